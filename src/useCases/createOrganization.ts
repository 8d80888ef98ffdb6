import { displayName, type CreateOrganization, type Organization } from '../api';
import type { UseCaseContext } from './context';
import { validateWith } from './validate';

/**
 * Create Organization: a name ("Stark Industries"), asked when not given; the control plane adds its environments,
 * identity provider and a default project.
 */
export async function createOrganization(ctx: UseCaseContext, given: Partial<CreateOrganization> = {}): Promise<Organization> {
  const name =
    given.name ?? (await ctx.ui.ask({ title: 'Create Organization', prompt: 'Name of the organization', placeHolder: 'Stark Industries', validate: validateWith(displayName) }));
  const client = await ctx.client();
  const org = await ctx.ui.progress(`Creating organization ${name}…`, () => client.createOrganization({ name, ...(given.handle ? { handle: given.handle } : {}) }));
  ctx.log.info(`Created organization ${org.handle}`);
  ctx.changed({});
  return org;
}
