import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** The status-bar item's menu: start or stop, restart, clean, logs, switching. */
export async function controlPlaneMenu(ctx: CommandContext): Promise<unknown> {
  const c = ctx.connection;
  type Item = vscode.QuickPickItem & { command: string; args?: unknown };
  const items: Item[] = [];
  if (c.kind === 'local') {
    if (c.state === 'stopped') items.push({ label: `$(debug-start) ${vscode.l10n.t('Start Local Control Plane')}`, command: 'choreo.controlPlane.start' });
    else items.push({ label: `$(debug-stop) ${vscode.l10n.t('Stop Local Control Plane')}`, command: 'choreo.controlPlane.stop' });
    items.push({ label: `$(debug-restart) ${vscode.l10n.t('Restart Local Control Plane')}`, command: 'choreo.controlPlane.restart' });
    items.push({ label: `$(clear-all) ${vscode.l10n.t('Clean Local Control Plane Data…')}`, command: 'choreo.controlPlane.clean' });
    items.push({
      label: `$(file) ${vscode.l10n.t('Open Control Plane Log')}`,
      description: c.local?.logFile,
      command: 'choreo.controlPlane.showLogs',
      args: { controlPlane: true },
    });
  } else {
    items.push({ label: `$(sign-out) ${vscode.l10n.t('Sign Out')}`, description: c.baseUrl, command: 'choreo.signOut' });
  }
  items.push({ label: `$(output) ${vscode.l10n.t('Show Logs')}`, command: 'choreo.controlPlane.showLogs' });
  items.push({ label: `$(arrow-swap) ${vscode.l10n.t('Switch Control Plane…')}`, command: 'choreo.controlPlane.switch' });
  const picked = await ctx.ui.pick(items, {
    title:
      c.kind === 'local'
        ? vscode.l10n.t('Local control plane {0}: {1}', c.baseUrl, c.state)
        : vscode.l10n.t('Remote control plane {0}: {1}', c.baseUrl, c.state),
  });
  return vscode.commands.executeCommand(picked.command, picked.args);
}
