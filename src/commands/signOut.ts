import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { field } from './prompts';

/** Sign Out of Remote Control Plane: removes its access token from SecretStorage. Argument: `{ url }` (default: the one in use). */
export async function signOut(ctx: CommandContext, arg?: unknown): Promise<void> {
  const url = field(arg, 'url') ?? ctx.connection.remoteUrl;
  if (!url) throw new CommandError('not_remote', vscode.l10n.t('The local control plane needs no sign-in.'));
  await ctx.vault.deleteAccessToken(url);
  // And the sign-in with the team's identity provider (revoked there where it can be).
  await (await ctx.signIns?.for(url))?.removeSession();
  ctx.log.info(`Signed out of ${url}`);
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Signed out of {0}. Its tokens were removed from SecretStorage.', url), vscode.l10n.t('Use Local Control Plane'))
    .then((c) => {
      if (c) void vscode.commands.executeCommand('choreo.controlPlane.switch', { local: true });
    });
}
