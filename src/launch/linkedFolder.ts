/** The workspace folder a launch or a terminal runs in, and the external consumer it is linked to (or why none). */
import * as vscode from 'vscode';
import { readLink, type WorkspaceLink } from '../editor/workspaceLink';
import { FixableError } from '../useCases/connectionEnvironment';
import { UseCaseError } from '../useCases/errors';

const LINK_FIX = { title: vscode.l10n.t('Link Workspace'), command: 'choreo.linkWorkspace', args: [] };

/** The given folder, else the folder of `file`, else the only folder of the workspace. */
export function folderFor(given: vscode.WorkspaceFolder | undefined, file?: vscode.Uri): vscode.WorkspaceFolder {
  const folder =
    given ??
    (file && vscode.workspace.getWorkspaceFolder(file)) ??
    (vscode.workspace.workspaceFolders?.length === 1 ? vscode.workspace.workspaceFolders[0] : undefined);
  if (!folder) {
    throw new UseCaseError(
      'no_workspace',
      vscode.l10n.t('Open the folder linked to the external consumer first: its connection values are found through its link (.choreo/consumer.json).'),
    );
  }
  return folder;
}

export async function linkOf(folder: vscode.WorkspaceFolder): Promise<WorkspaceLink> {
  const link = await readLink(folder.uri);
  if (typeof link === 'string')
    throw new FixableError('invalid_link', `${link} Link the folder again.`, [{ ...LINK_FIX, args: [undefined, { folder: folder.uri.fsPath }] }]);
  if (!link) {
    throw new FixableError(
      'not_linked',
      vscode.l10n.t(
        'Folder {0} is not linked to an external consumer, so it has no connection values. Link Workspace to External Consumer first.',
        folder.name,
      ),
      [{ ...LINK_FIX, args: [undefined, { folder: folder.uri.fsPath }] }],
    );
  }
  return link;
}
