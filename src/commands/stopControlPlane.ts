import * as vscode from 'vscode';
import { CommandError, type CommandContext } from './commandContext';

/**
 * Stop Local Control Plane: the process stops, its port is freed, and no window starts it again until Start (apps
 * using its token URL or gateway stop getting answers meanwhile). Its data stays.
 */
export async function stopControlPlane(ctx: CommandContext): Promise<void> {
  if (ctx.connection.kind !== 'local') throw new CommandError('local_only', vscode.l10n.t('Stop applies to the local control plane; your team runs its own.'));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Stopping the local control plane…') }, () =>
    ctx.connection.stop(),
  );
  ctx.tree.refresh();
}
