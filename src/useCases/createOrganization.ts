import { displayName, type CreateOrganization, type Organization } from '../api';
import type { UseCaseContext } from './context';
import { validateWith } from './validate';
import * as l10n from '@vscode/l10n';

/**
 * Create Organization: a name ("Stark Industries"), asked when not given; the control plane adds its environments,
 * identity provider and a default project.
 */
export async function createOrganization(ctx: UseCaseContext, given: Partial<CreateOrganization> = {}): Promise<Organization> {
  const name =
    given.name ??
    (await ctx.ui.ask({
      title: l10n.t('Create Organization'),
      prompt: l10n.t('Name of the organization'),
      placeHolder: l10n.t('Stark Industries'),
      validate: validateWith(displayName),
    }));
  const client = await ctx.client();
  const org = await ctx.ui.progress(l10n.t`Creating organization ${name}…`, () =>
    client.createOrganization({ name, ...(given.handle ? { handle: given.handle } : {}) }),
  );
  ctx.log.info(`Created organization ${org.handle}`);
  ctx.changed({});
  return org;
}
