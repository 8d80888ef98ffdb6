import * as vscode from 'vscode';
import { CommandError, type CommandContext } from './commandContext';

/** Start Local Control Plane: after Stop or Clean (in any window); running already, it is simply found. */
export async function startControlPlane(ctx: CommandContext): Promise<void> {
  if (ctx.connection.kind !== 'local') throw new CommandError('local_only', vscode.l10n.t('Start applies to the local control plane; your team runs its own.'));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the local control plane…') }, () =>
    ctx.connection.start(),
  );
  if (ctx.connection.state !== 'ready') throw new Error(ctx.connection.lastError ?? vscode.l10n.t('The local control plane did not start.'));
  ctx.tree.refresh();
}
