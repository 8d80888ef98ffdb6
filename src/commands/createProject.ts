import { displayName, type Project } from '../api';
import type { OrgRef } from '../tree/refs';
import { refOf, resolveOrg, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';
import { quickInput, validateWith } from './prompts';

/** Create Project in an organization: name, then an optional description. */
export async function createProject(ctx: CommandContext, target?: Target<OrgRef>, input?: { name?: string; description?: string; handle?: string }): Promise<Project> {
  const { org } = await resolveOrg(ctx, refOf(target));
  const given = optionsOf(input);
  const name = given.name ?? (await quickInput.ask({ title: 'Create Project', prompt: `Name of the project in ${org}`, validate: validateWith(displayName) }));
  const description = given.description ?? (given.name ? '' : await quickInput.ask({ title: 'Create Project', prompt: 'Description (optional)' }));
  const client = await ctx.client();
  const project = await quickInput.progress(`Creating project ${name}…`, () => client.createProject(org, { name, description, ...(given.handle ? { handle: given.handle } : {}) }));
  ctx.log.info(`Created project ${org}/${project.handle}`);
  ctx.changed({ org });
  return project;
}
