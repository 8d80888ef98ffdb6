import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** Show Logs: the extension's log; with `{ controlPlane: true }` (or from the status menu) the local control plane's log file. */
export async function showLogs(ctx: CommandContext, arg?: unknown): Promise<void> {
  const local = ctx.connection.local;
  if (local && arg && typeof arg === 'object' && (arg as { controlPlane?: unknown }).controlPlane === true) {
    await vscode.window.showTextDocument(vscode.Uri.file(local.logFile), { preview: true });
    return;
  }
  ctx.log.show(true);
}
