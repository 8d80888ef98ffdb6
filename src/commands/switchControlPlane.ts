import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { controlPlaneBase } from './controlPlaneUrl';
import { field } from './prompts';
import { readSettings, verifyAccessToken } from '../lifecycle/controlPlaneConnection';

/**
 * Switch Control Plane: the local one, or a team's by URL. A remote one's access token is checked before anything
 * is written; only then is it kept in SecretStorage and the URL put in the settings.
 * Arguments: `{ local: true }` or `{ url, token }`.
 */
export async function switchControlPlane(ctx: CommandContext, arg?: unknown): Promise<string> {
  const wantsLocal = arg && typeof arg === 'object' && (arg as { local?: unknown }).local === true;
  let url = field(arg, 'url');
  if (!wantsLocal && !url) {
    const current = readSettings();
    const picked = await ctx.ui.pick(
      [
        { label: '$(vm) Local control plane', description: `127.0.0.1:${current.localPort}${current.remoteUrl ? '' : ' (in use)'}`, local: true },
        { label: '$(globe) Remote control plane…', description: current.remoteUrl ? `${current.remoteUrl} (in use)` : 'a team server, by URL', local: false },
      ],
      { title: vscode.l10n.t('Switch Control Plane') },
    );
    if (!picked.local) {
      url = await ctx.ui.ask({
        title: vscode.l10n.t('Remote control plane'),
        prompt: vscode.l10n.t('URL of the control plane'),
        value: current.remoteUrl || 'https://',
        validate: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http or https URL.')),
      });
    }
  }
  const config = vscode.workspace.getConfiguration('choreo.controlPlane');
  if (!url) {
    await config.update('url', undefined, vscode.ConfigurationTarget.Global);
    await ctx.reconnect();
    return ctx.connection.baseUrl;
  }
  const base = controlPlaneBase(url);
  const token =
    field(arg, 'token') ??
    (await ctx.vault.getAccessToken(base)) ??
    (await ctx.ui.ask({
      title: vscode.l10n.t('Sign in to {0}', base),
      prompt: vscode.l10n.t('Access token of the control plane (kept in SecretStorage)'),
      password: true,
    }));
  // Throws (e.g. `unauthorized`, `unreachable`) before anything is written.
  await verifyAccessToken(base, token);
  await ctx.vault.storeAccessToken(base, token);
  await config.update('url', base, vscode.ConfigurationTarget.Global);
  await ctx.reconnect();
  ctx.log.info(`Switched to the control plane at ${base}`);
  return base;
}
