// Composition root (placeholder until the extension issue lands): builds the services, registers views and commands.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Choreo', { log: true });
  context.subscriptions.push(log);
  const tree: vscode.TreeDataProvider<never> = { getTreeItem: (e) => e, getChildren: () => [] };
  context.subscriptions.push(vscode.window.registerTreeDataProvider('choreo.resources', tree));
  log.info('Choreo extension activated');
}

export function deactivate(): void {}
