import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { controlPlaneBase } from './controlPlaneUrl';
import { field } from './prompts';

/**
 * Sign In with the team's identity provider (the device authorization grant; the account then shows in the Accounts
 * menu as "Choreo (host)"). Argument: `{ url }`, a team control plane (default: the one in use). Signs in first, then
 * switches to that control plane when it is not the one in use. Returns the account's name.
 */
export async function signIn(ctx: CommandContext, arg?: unknown): Promise<string> {
  const url = field(arg, 'url') ?? ctx.connection.remoteUrl;
  if (!url)
    throw new CommandError('not_remote', vscode.l10n.t("The local control plane needs no sign-in. Switch to your team's control plane to sign in to it."));
  const base = controlPlaneBase(url);
  if (!ctx.signIns) throw new CommandError('sign_in_unavailable', vscode.l10n.t('Signing in is not available in this window.'));
  const session = await (await ctx.signIns.for(base)).createSession();
  if (ctx.connection.kind === 'remote' && ctx.connection.baseUrl === base) ctx.tree.refresh();
  else {
    await vscode.workspace.getConfiguration('choreo.controlPlane').update('url', base, vscode.ConfigurationTarget.Global);
    await ctx.reconnect();
  }
  return session.account.label;
}
