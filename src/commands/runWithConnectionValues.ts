import * as vscode from 'vscode';
import { folderFor, linkOf } from '../launch/linkedFolder';
import { launchConfiguration, RUNNERS, runnerFor } from '../launch/runners';
import { openValuesTerminal } from '../launch/terminal';
import { chooseEnvironment } from '../useCases/connectionEnvironment';
import { requireTrust } from '../useCases/trust';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/**
 * Run with Connection Values (the CodeLens on code that reads a linked consumer's CHOREO_* variables, the editor's
 * title menu, the palette): runs the file with the consumer's values of one environment and no .env. Under the
 * language's debugger when it is installed (a launch with the `choreo` attribute), else with its runtime in a
 * terminal that has the values.
 */
export async function runWithConnectionValues(
  ctx: CommandContext,
  target?: vscode.Uri,
  options?: { environment?: string },
): Promise<{ how: 'debug' | 'terminal'; started: boolean; configuration?: Record<string, unknown>; command?: string }> {
  // It runs the folder's code, with the consumer's secret: in Restricted Mode, not at all.
  requireTrust(ctx, vscode.l10n.t('Running with connection values'));
  const o = optionsOf(options);
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new CommandError('no_file', vscode.l10n.t('Open the file to run first.'));
  const document = await vscode.workspace.openTextDocument(uri);
  const runner = runnerFor(document.languageId);
  if (!runner) {
    throw new CommandError(
      'unsupported_language',
      vscode.l10n.t(
        'Run with Connection Values runs {0} files. For others, add "choreo": { "environment": "development" } to your own launch configuration, or use Open Terminal with Connection Values.',
        RUNNERS.map((r) => r.label).join(', '),
      ),
    );
  }
  if (document.isUntitled) throw new CommandError('unsaved', vscode.l10n.t('Save the file in the linked folder first: it runs from disk.'));
  if (document.isDirty && !(await document.save()))
    throw new CommandError('unsaved', vscode.l10n.t('Could not save {0}.', vscode.workspace.asRelativePath(uri)));
  const folder = folderFor(vscode.workspace.getWorkspaceFolder(uri), uri);
  const link = await linkOf(folder);
  const environment = await chooseEnvironment(ctx, link, o.environment);
  const installed = runner.debugger && vscode.extensions.getExtension(runner.debugger.extension);
  if (runner.debugger && installed) {
    const configuration = launchConfiguration(runner, uri.fsPath, folder.uri.fsPath, environment);
    // The values are added when VS Code resolves the launch (src/launch/debugConfigurationProvider.ts), as for a
    // configuration of the user's own; a refusal is said there and the launch does not start.
    const started = await vscode.debug.startDebugging(folder, configuration as vscode.DebugConfiguration);
    return { how: 'debug', started, configuration };
  }
  const command = runner.command(uri.fsPath);
  const { terminal } = await openValuesTerminal(ctx, folder, link, { environment }, vscode.Uri.joinPath(uri, '..'));
  terminal.sendText(command);
  return { how: 'terminal', started: true, command };
}
