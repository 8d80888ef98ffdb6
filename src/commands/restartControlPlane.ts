import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** Restart Local Control Plane: stop it, start it again, reload the view. */
export async function restartControlPlane(ctx: CommandContext): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restarting the local control plane…') }, () =>
    ctx.connection.restart(),
  );
  if (ctx.connection.state !== 'ready') throw new Error(ctx.connection.lastError ?? vscode.l10n.t('The local control plane did not start.'));
  ctx.tree.refresh();
}
