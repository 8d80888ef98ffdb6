import * as vscode from 'vscode';
import type { Project } from '../api';
import type { CommandContext } from './commandContext';
import { askText, field } from './prompts';
import { refOf, targetOrg } from './targets';
import { validateWith } from './validation';

/** Create Project in an organization: name, then an optional description. */
export async function createProject(ctx: CommandContext, arg?: unknown): Promise<Project> {
  const { displayName } = await import('../api/common.js');
  const { org } = await targetOrg(ctx, arg);
  const given = refOf(arg);
  const name =
    field(given, 'name') ??
    (await askText({ title: 'Create Project', prompt: `Name of the project in ${org}`, validateInput: validateWith(displayName) }));
  const description =
    field(given, 'description') ?? (field(given, 'name') ? '' : await askText({ title: 'Create Project', prompt: 'Description (optional)' }));
  const handle = field(given, 'handle');
  const client = await ctx.client();
  const project = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating project ${name}…` },
    () => client.createProject(org, { name, description, ...(handle ? { handle } : {}) }),
  );
  ctx.log.info(`Created project ${org}/${project.handle}`);
  ctx.tree.refreshById(`org:${org}`);
  return project;
}
