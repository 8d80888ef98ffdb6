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
  if (!local) throw new CommandError('local_only', vscode.l10n.t("Clean applies to the local control plane; a team control plane's data is its team's."));
  if (optionsOf(options).confirm !== true) {
    const organizations = c.state === 'ready' ? await organizationNames(ctx).catch(() => undefined) : undefined;
    const secrets = (await ctx.vault.keysOf(c.baseUrl)).length;
    const named =
      organizations === undefined
        ? vscode.l10n.t('every organization in it')
        : organizations.length === 0
          ? vscode.l10n.t('no organization (there is none)')
          : organizations.length === 1
            ? vscode.l10n.t('the organization {0}', organizations.join(', '))
            : vscode.l10n.t('{0} organizations: {1}', organizations.length, organizations.join(', '));
    const detail = [
      vscode.l10n.t(
        'Deleted for good: {0}, with their projects, external consumers, services, keys and connections; the signing keys, the admin token and the log, in {1}.',
        named,
        local.dataDir,
      ),
      secrets === 1
        ? vscode.l10n.t('The client secret this VS Code keeps for them in SecretStorage goes too.')
        : vscode.l10n.t('The {0} client secrets this VS Code keeps for them in SecretStorage go too.', secrets),
      vscode.l10n.t(
        'Apps using its token URL or gateway stop working. Files you wrote (.env, snippets) stay. The control plane stays stopped until you start it.',
      ),
    ].join('\n\n');
    await ctx.ui.confirm(vscode.l10n.t('Delete all data of the local control plane {0}?', c.baseUrl), detail, vscode.l10n.t('Delete Data'));
  }
  let secretsDeleted = 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Deleting the local control plane's data…") },
    async () => {
      await c.clean();
      secretsDeleted = await ctx.vault.deleteSecretsOf(c.baseUrl);
    },
  );
  ctx.log.info(`Clean: deleted ${local.dataDir} and ${secretsDeleted} consumer secret(s) kept for ${c.baseUrl}.`);
  ctx.tree.refresh();
  void vscode.window.showInformationMessage(
    vscode.l10n.t("The local control plane's data is deleted (and {0} secret(s) kept for it). Start it to begin with no organization.", secretsDeleted),
  );
  return { secretsDeleted };
}

async function organizationNames(ctx: CommandContext): Promise<string[]> {
  const page = await (await ctx.client()).listOrganizations({ limit: 20 });
  const names = page.items.map((o) => o.name);
  return page.nextCursor ? [...names, 'and more'] : names;
}
