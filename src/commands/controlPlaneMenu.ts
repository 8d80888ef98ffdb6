import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** The status-bar item's menu: start or stop, restart, clean, logs, switching. */
export async function controlPlaneMenu(ctx: CommandContext): Promise<unknown> {
  const c = ctx.connection;
  type Item = vscode.QuickPickItem & { command: string; args?: unknown };
  const items: Item[] = [];
  if (c.kind === 'local') {
    if (c.state === 'stopped') items.push({ label: '$(debug-start) Start Local Control Plane', command: 'choreo.controlPlane.start' });
    else items.push({ label: '$(debug-stop) Stop Local Control Plane', command: 'choreo.controlPlane.stop' });
    items.push({ label: '$(debug-restart) Restart Local Control Plane', command: 'choreo.controlPlane.restart' });
    items.push({ label: '$(clear-all) Clean Local Control Plane Data…', command: 'choreo.controlPlane.clean' });
    items.push({ label: '$(file) Open Control Plane Log', description: c.local?.logFile, command: 'choreo.controlPlane.showLogs', args: { controlPlane: true } });
  } else {
    items.push({ label: '$(sign-out) Sign Out', description: c.baseUrl, command: 'choreo.signOut' });
  }
  items.push({ label: '$(output) Show Logs', command: 'choreo.controlPlane.showLogs' });
  items.push({ label: '$(arrow-swap) Switch Control Plane…', command: 'choreo.controlPlane.switch' });
  const picked = await ctx.ui.pick(items, { title: `${c.kind === 'local' ? 'Local' : 'Remote'} control plane ${c.baseUrl}: ${c.state}` });
  return vscode.commands.executeCommand(picked.command, picked.args);
}
