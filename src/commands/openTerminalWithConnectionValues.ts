import * as vscode from 'vscode';
import { folderFor, linkOf } from '../launch/linkedFolder';
import { openValuesTerminal } from '../launch/terminal';
import { chooseEnvironment } from '../useCases/connectionEnvironment';
import { requireTrust } from '../useCases/trust';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Open Terminal with Connection Values: a terminal in a linked folder whose environment holds the consumer's CHOREO_*
 * values of one environment (the secret from SecretStorage), for running the inserted code without a .env. Returns
 * the variables' names (never their values), for tests.
 */
export async function openTerminalWithConnectionValues(
  ctx: CommandContext,
  target?: vscode.Uri | { folder?: string },
  options?: { environment?: string; connection?: string },
): Promise<{ terminal: string; variables: string[] }> {
  // The terminal hands the consumer's secret to whatever the folder runs: in Restricted Mode, not at all.
  requireTrust(ctx, vscode.l10n.t('Opening a terminal with connection values'));
  const o = optionsOf(options);
  const uri =
    target instanceof vscode.Uri
      ? target
      : typeof (target as { folder?: unknown })?.folder === 'string'
        ? vscode.Uri.file((target as { folder: string }).folder)
        : undefined;
  const folder = folderFor(uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined, uri ?? vscode.window.activeTextEditor?.document.uri);
  const link = await linkOf(folder);
  const environment = await chooseEnvironment(ctx, link, o.environment);
  const { terminal, values } = await openValuesTerminal(ctx, folder, link, { environment, connection: o.connection });
  return { terminal: terminal.name, variables: Object.keys(values.variables) };
}
