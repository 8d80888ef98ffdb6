import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { confirm } from './prompts';
import { refOf } from './targets';
import type { Connection } from '../api';

/**
 * Delete (asks first, naming what goes with it) an organization, project, component or connection. The consumer
 * secrets this VS Code keeps for what was deleted leave SecretStorage too.
 * Arguments: a row, or `{ org, project?, component?, componentId?, connection?: { name }, confirm: true }`.
 */
export async function deleteResource(ctx: CommandContext, arg?: unknown): Promise<void> {
  const ref = refOf(arg) as { org?: string; project?: string; component?: string; componentId?: string; displayName?: string; connection?: Connection | { name: string }; confirm?: unknown } | undefined;
  if (!ref?.org) throw new CommandError('no_target', 'Run Delete on a row of the Choreo view.');
  const client = await ctx.client();
  const { org, project, component } = ref;
  const controlPlane = ctx.connection.baseUrl;
  let what: string;
  let goesWith: string;
  let run: () => Promise<unknown>;
  let after: () => Promise<unknown>;
  if (project && component && ref.connection) {
    const name = ref.connection.name;
    what = `connection ${name}`;
    goesWith = `${component} loses access to the endpoint through the gateway. Config already written to files stays there.`;
    run = () => client.deleteConnection(org, project, component, name);
    after = async () => ctx.tree.refreshById(`connections:${org}/${project}/${component}`);
  } else if (project && component) {
    const c = await client.getComponent(org, project, component);
    what = `${c.type === 'service' ? 'service' : 'external consumer'} ${c.displayName}`;
    goesWith =
      c.type === 'service'
        ? 'Its endpoints and the connections to them go with it.'
        : 'Its keys in every environment, its connections, and the secrets this VS Code keeps for it in SecretStorage go with it.';
    run = () => client.deleteComponent(org, project, component);
    after = async () => {
      await ctx.vault.deleteSecretsUnder({ controlPlane, org, project, componentId: c.id });
      ctx.tree.refreshById(`project:${org}/${project}`);
    };
  } else if (project) {
    what = `project ${project}`;
    goesWith = 'Every component in it, their keys and connections, and the secrets this VS Code keeps for them go with it.';
    run = () => client.deleteProject(org, project);
    after = async () => {
      await ctx.vault.deleteSecretsUnder({ controlPlane, org, project });
      ctx.tree.refreshById(`org:${org}`);
    };
  } else {
    what = `organization ${org}`;
    goesWith = 'Its projects, components, identity providers, keys and connections, and the secrets this VS Code keeps for them go with it.';
    run = () => client.deleteOrganization(org);
    after = async () => {
      await ctx.vault.deleteSecretsUnder({ controlPlane, org });
      ctx.tree.refresh();
    };
  }
  await confirm(`Delete ${what}?`, `${goesWith} This cannot be undone.`, 'Delete', ref.confirm);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${what}…` }, run);
  await after();
  ctx.log.info(`Deleted ${what} (${[org, project, component].filter(Boolean).join('/')})`);
}
