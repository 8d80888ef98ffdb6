import * as vscode from 'vscode';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/**
 * Clean Local Control Plane Data: after a confirmation that names what goes, stops the local control plane, deletes
 * its data folder (organizations and all they hold, signing keys, admin token, log) and the consumer secrets this VS
 * Code kept for it in SecretStorage, which nothing could use any more. It stays stopped: Start begins afresh.
 * `{ confirm: true }` skips the question (tests).
 */
export async function cleanControlPlane(ctx: CommandContext, options?: { confirm?: boolean }): Promise<{ secretsDeleted: number }> {
  const c = ctx.connection;
  const local = c.local;
  if (!local) throw new CommandError('local_only', 'Clean applies to the local control plane; a team control plane\'s data is its team\'s.');
  if (optionsOf(options).confirm !== true) {
    const organizations = c.state === 'ready' ? await organizationNames(ctx).catch(() => undefined) : undefined;
    const secrets = (await ctx.vault.keysOf(c.baseUrl)).length;
    const named =
      organizations === undefined
        ? 'every organization in it'
        : organizations.length === 0
          ? 'no organization (there is none)'
          : `${organizations.length === 1 ? 'the organization' : `${organizations.length} organizations:`} ${organizations.join(', ')}`;
    const detail = [
      `Deleted for good: ${named}, with their projects, external consumers, services, keys and connections; the signing keys, the admin token and the log, in ${local.dataDir}.`,
      `${secrets === 1 ? 'The client secret' : `The ${secrets} client secrets`} this VS Code keeps for them in SecretStorage ${secrets === 1 ? 'goes' : 'go'} too.`,
      'Apps using its token URL or gateway stop working. Files you wrote (.env, snippets) stay. The control plane stays stopped until you start it.',
    ].join('\n\n');
    await ctx.ui.confirm(`Delete all data of the local control plane ${c.baseUrl}?`, detail, 'Delete Data');
  }
  let secretsDeleted = 0;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Deleting the local control plane\'s data…' }, async () => {
    await c.clean();
    secretsDeleted = await ctx.vault.deleteSecretsOf(c.baseUrl);
  });
  ctx.log.info(`Clean: deleted ${local.dataDir} and ${secretsDeleted} consumer secret(s) kept for ${c.baseUrl}.`);
  ctx.tree.refresh();
  void vscode.window.showInformationMessage(`The local control plane's data is deleted (and ${secretsDeleted} secret(s) kept for it). Start it to begin with no organization.`);
  return { secretsDeleted };
}

async function organizationNames(ctx: CommandContext): Promise<string[]> {
  const page = await (await ctx.client()).listOrganizations({ limit: 20 });
  const names = page.items.map((o) => o.name);
  return page.nextCursor ? [...names, 'and more'] : names;
}
