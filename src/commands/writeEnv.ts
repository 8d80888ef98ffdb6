import * as vscode from 'vscode';
import { type ConnectionTarget, refOf, resolveConnection, type Target } from '../useCases/targets';
import { writeEnv as write } from '../useCases/connectionCode';
import { requireTrust } from '../useCases/trust';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/**
 * Write Connection Config to .env: the connection's CHOREO_* variables for one environment into the workspace's
 * .env (made git-ignored first), the consumer secret only if the user agrees (or `includeSecret: true` is passed);
 * then the file opens and a message says what was written.
 */
export async function writeEnv(
  ctx: CommandContext,
  target?: Target<ConnectionTarget & { environment: string }>,
  options?: { includeSecret?: boolean; folder?: string; show?: boolean },
): Promise<{ written: string[]; missing: string[]; file: string }> {
  // Before any question: in Restricted Mode the answer would be refused anyway.
  requireTrust(ctx, vscode.l10n.t('Writing .env'));
  const o = optionsOf(options);
  const folder = o.folder ? vscode.Uri.file(o.folder) : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new CommandError('no_workspace', vscode.l10n.t('Open a folder first: the .env file goes into the workspace.'));
  const connection = await resolveConnection(ctx, refOf(target));
  const result = await write(ctx, connection, { folder, includeSecret: o.includeSecret });
  const file = vscode.Uri.joinPath(folder, '.env');
  if (o.show !== false) await vscode.window.showTextDocument(file, { preview: false, preserveFocus: true });
  const what = `${result.written.length} variable${result.written.length === 1 ? '' : 's'} of ${connection.ref.connection.name} (${connection.environmentName})`;
  if (result.missing.length)
    void vscode.window.showWarningMessage(vscode.l10n.t('Wrote {0} to .env, without {1}: {2}', what, result.missing.join(', '), result.why));
  else void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0} to .env (git-ignored).', what));
  return { written: result.written, missing: result.missing, file: file.fsPath };
}
