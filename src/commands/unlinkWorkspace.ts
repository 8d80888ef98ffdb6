import * as vscode from 'vscode';
import { requireTrust } from '../useCases/trust';
import { removeLink } from '../editor/workspaceLink';
import { optionsOf, type CommandContext } from './commandContext';
import { pickFolder } from './linkWorkspace';

/** Unlink Workspace: removes `.choreo/consumer.json`, so the editor stops completing and checking CHOREO_* names. */
export async function unlinkWorkspace(ctx: CommandContext, _target?: unknown, options?: { folder?: string }): Promise<boolean> {
  requireTrust(ctx, vscode.l10n.t('Unlinking the folder'));
  const folder = await pickFolder(ctx, optionsOf(options).folder);
  const removed = await removeLink(folder);
  void vscode.window.showInformationMessage(
    removed ? vscode.l10n.t('This folder is no longer linked to an external consumer.') : vscode.l10n.t('This folder was not linked to an external consumer.'),
  );
  return removed;
}
