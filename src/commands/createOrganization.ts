import * as vscode from 'vscode';
import type { Organization } from '../api';
import type { CommandContext } from './commandContext';
import { askText, field } from './prompts';
import { validateWith } from './validation';

/** Create Organization: a name ("Stark Industries"); the control plane adds its environments, identity provider and a default project. */
export async function createOrganization(ctx: CommandContext, arg?: unknown): Promise<Organization> {
  const { displayName } = await import('../api/common.js');
  const name =
    field(arg, 'name') ??
    (await askText({ title: 'Create Organization', prompt: 'Name of the organization', placeHolder: 'Stark Industries', validateInput: validateWith(displayName) }));
  const handle = field(arg, 'handle');
  const client = await ctx.client();
  const org = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating organization ${name}…` },
    () => client.createOrganization({ name, ...(handle ? { handle } : {}) }),
  );
  ctx.log.info(`Created organization ${org.handle}`);
  ctx.tree.refresh();
  return org;
}
