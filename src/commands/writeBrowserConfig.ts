import * as vscode from 'vscode';
import { type ConnectionTarget, refOf, resolveConnection, type Target } from '../useCases/targets';
import { writeBrowserConfig as write } from '../useCases/connectionCode';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/**
 * Write config.js for a Browser App (a connection's menu): the values a web app external consumer reads at run time,
 * for one environment, into the workspace's config.js; no secret. The file opens, and a message says why no secret.
 * For keys that sign people in, a folder without index.html gets the Browser App snippet's page too.
 */
export async function writeBrowserConfig(
  ctx: CommandContext,
  target?: Target<ConnectionTarget & { environment: string }>,
  options?: { folder?: string; show?: boolean },
): Promise<{ file: string; page?: string }> {
  const o = optionsOf(options);
  const folder = o.folder ? vscode.Uri.file(o.folder) : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new CommandError('no_workspace', vscode.l10n.t('Open a folder first: config.js goes into the workspace.'));
  const connection = await resolveConnection(ctx, refOf(target));
  const { file, page, warning } = await write(ctx, connection, { folder });
  if (o.show !== false) await vscode.window.showTextDocument(file, { preview: false, preserveFocus: true });
  void vscode.window.showInformationMessage(
    page
      ? vscode.l10n.t(
          'Wrote config.js of {0} ({1}) and index.html, the page of the Browser App snippet: insert the snippet and save it as app.js beside them. {2}',
          connection.ref.connection.name,
          connection.environmentName,
          warning,
        )
      : vscode.l10n.t('Wrote config.js of {0} ({1}). {2}', connection.ref.connection.name, connection.environmentName, warning),
  );
  return { file: file.fsPath, ...(page ? { page: page.fsPath } : {}) };
}
