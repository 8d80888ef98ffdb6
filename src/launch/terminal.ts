/**
 * A terminal that has a consumer's connection values: `createTerminal({ env, isTransient })`, so the values live in
 * that terminal's processes only. Not an EnvironmentVariableCollection, which VS Code persists and applies to every
 * terminal; transient, so VS Code does not revive it (with its environment) after a reload.
 */
import * as vscode from 'vscode';
import type { WorkspaceLink } from '../editor/workspaceLink';
import { connectionEnvironment, type ConnectionEnvironment, type ConnectionValuesRequest } from '../useCases/connectionEnvironment';
import type { UseCaseContext } from '../useCases/context';

export async function openValuesTerminal(
  ctx: UseCaseContext,
  folder: vscode.WorkspaceFolder,
  link: WorkspaceLink,
  request: ConnectionValuesRequest,
  cwd: vscode.Uri = folder.uri,
): Promise<{ terminal: vscode.Terminal; values: ConnectionEnvironment }> {
  const values = await connectionEnvironment(ctx, link, request);
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('Choreo: {0} ({1})', values.consumer.componentName, values.environment.name),
    cwd,
    env: values.variables,
    isTransient: true,
    iconPath: new vscode.ThemeIcon('link'),
  });
  terminal.show();
  return { terminal, values };
}
