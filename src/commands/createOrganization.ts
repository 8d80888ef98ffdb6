import { displayName, type Organization } from '../api';
import { optionsOf, type CommandContext } from './commandContext';
import { quickInput, validateWith } from './prompts';

/** Create Organization: a name ("Stark Industries"); the control plane adds its environments, identity provider and a default project. */
export async function createOrganization(ctx: CommandContext, input?: { name?: string; handle?: string }): Promise<Organization> {
  const given = optionsOf(input);
  const name =
    given.name ??
    (await quickInput.ask({ title: 'Create Organization', prompt: 'Name of the organization', placeHolder: 'Stark Industries', validate: validateWith(displayName) }));
  const client = await ctx.client();
  const org = await quickInput.progress(`Creating organization ${name}…`, () => client.createOrganization({ name, ...(given.handle ? { handle: given.handle } : {}) }));
  ctx.log.info(`Created organization ${org.handle}`);
  ctx.changed({});
  return org;
}

