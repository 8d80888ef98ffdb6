/** The status-bar item: which control plane is in use and whether it answers. Clicking it offers restart, logs, switching. */
import * as vscode from 'vscode';
import type { ConnectionState, ControlPlaneConnection } from './controlPlaneConnection';

export const STATUS_MENU_COMMAND = 'choreo.controlPlane.statusMenu';

const ICON: Record<ConnectionState, string> = { starting: '$(sync~spin)', ready: '$(server)', unreachable: '$(warning)', stopped: '$(debug-stop)' };

export class ControlPlaneStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('choreo.controlPlane', vscode.StatusBarAlignment.Left, 10);
  private subscription: vscode.Disposable | undefined;

  constructor() {
    this.item.name = vscode.l10n.t('Choreo Control Plane');
    this.item.command = STATUS_MENU_COMMAND;
  }

  /** Follows a (new) connection, e.g. after switching control planes. */
  follow(connection: ControlPlaneConnection): void {
    this.subscription?.dispose();
    this.subscription = connection.onDidChangeState(() => this.render(connection));
    this.render(connection);
    this.item.show();
  }

  /** What the item shows now: the test API reads it, as no VS Code API reads a status-bar item back. */
  get shown(): { text: string; tooltip: string } {
    return { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : '' };
  }

  private render(c: ControlPlaneConnection): void {
    const where = c.kind === 'local' ? `local :${new URL(c.baseUrl).port}` : new URL(c.baseUrl).host;
    this.item.text = `${ICON[c.state]} Choreo: ${where}`;
    const health =
      c.state === 'ready'
        ? vscode.l10n.t('healthy')
        : c.state === 'starting'
          ? vscode.l10n.t('starting…')
          : c.state === 'stopped'
            ? vscode.l10n.t('stopped')
            : c.lastError
              ? vscode.l10n.t('unreachable — {0}', c.lastError)
              : vscode.l10n.t('unreachable');
    this.item.tooltip =
      c.kind === 'local'
        ? vscode.l10n.t('Local control plane {0}: {1}\nClick to start, stop, restart, show logs or switch.', c.baseUrl, health)
        : vscode.l10n.t('Remote control plane {0}: {1}\nClick to start, stop, restart, show logs or switch.', c.baseUrl, health);
    this.item.backgroundColor = c.state === 'unreachable' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.item.dispose();
  }
}
