import { displayName, type CreateProject, type Project } from '../api';
import type { OrgRef } from '../api/refs';
import type { UseCaseContext } from './context';
import { resolveOrg } from './targets';
import { validateWith } from './validate';
import * as l10n from '@vscode/l10n';

/**
 * Create Project in an organization (picked when not given): a name, then an optional description, each asked when
 * not given; a name given alone means no description.
 */
export async function createProject(ctx: UseCaseContext, target: Partial<OrgRef>, given: Partial<CreateProject> = {}): Promise<Project> {
  const { orgHandle: org } = await resolveOrg(ctx, target);
  const name =
    given.name ?? (await ctx.ui.ask({ title: l10n.t('Create Project'), prompt: l10n.t`Name of the project in ${org}`, validate: validateWith(displayName) }));
  const description = given.description ?? (given.name ? '' : await ctx.ui.ask({ title: l10n.t('Create Project'), prompt: l10n.t('Description (optional)') }));
  const client = await ctx.client();
  const project = await ctx.ui.progress(l10n.t`Creating project ${name}…`, () =>
    client.createProject(org, { name, description, ...(given.handle ? { handle: given.handle } : {}) }),
  );
  ctx.log.info(`Created project ${org}/${project.handle}`);
  ctx.changed({ orgHandle: org });
  return project;
}
