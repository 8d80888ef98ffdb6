/**
 * The control plane this window uses, across switches: the connection of the current settings, a client once it is
 * up, and reconnecting when the settings change. Views follow it through the callbacks given.
 */
import * as vscode from 'vscode';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import { ControlPlaneError } from '../client/errors';
import type { TeamSignIns } from '../auth/teamSignIns';
import type { CredentialVault } from '../secrets/credentialVault';
import { ControlPlaneConnection, readSettings, type ConnectionSettings, type ConnectionState } from './controlPlaneConnection';
import type { ControlPlaneStatusBar } from './statusBar';

export interface SessionListener {
  /** The control plane came back after a restart or after being unreachable: views reload. */
  onDidReturn(): void;
  onDidChangeState(state: ConnectionState, error: string | undefined): void;
}

export class ControlPlaneSession implements vscode.Disposable {
  private settings: ConnectionSettings = readSettings();
  private current: ControlPlaneConnection;
  private events: vscode.Disposable[] = [];

  constructor(
    private readonly storageDir: string,
    private readonly extensionPath: string,
    private readonly vault: CredentialVault,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: ControlPlaneStatusBar,
    private readonly listener: SessionListener,
    /** Signing in to a team's control plane with its identity provider. */
    private readonly signIns?: TeamSignIns,
  ) {
    this.current = this.follow(new ControlPlaneConnection(this.settings, storageDir, extensionPath, vault, log, signIns));
  }

  get connection(): ControlPlaneConnection {
    return this.current;
  }

  /** A client once the control plane is up; throws a ControlPlaneError (`unreachable`) when it is not. */
  async client(): Promise<ControlPlaneClient> {
    const c = this.current;
    if (c.state !== 'ready') await c.ready();
    if (c.state !== 'ready') throw new ControlPlaneError('unreachable', c.lastError ?? vscode.l10n.t('The control plane at {0} cannot be reached.', c.baseUrl));
    return c.client();
  }

  /** Re-reads the settings and connects to the control plane they name; resolves once it is connected. */
  async reconnect(): Promise<void> {
    const next = readSettings();
    if (next.remoteUrl === this.settings.remoteUrl && next.localPort === this.settings.localPort) {
      // Already switched (the settings-change handler got here first): still resolve only once it is connected,
      // so a caller such as Switch Control Plane returns with the new control plane ready.
      await this.current.ready();
      return;
    }
    this.settings = next;
    this.current.dispose();
    this.current = this.follow(new ControlPlaneConnection(next, this.storageDir, this.extensionPath, this.vault, this.log, this.signIns));
    await this.current.ready();
    this.listener.onDidReturn();
  }

  private follow(c: ControlPlaneConnection): ControlPlaneConnection {
    this.events.forEach((d) => d.dispose());
    let previous = c.state;
    this.events = [
      c.onDidRestart(() => this.listener.onDidReturn()),
      c.onDidChangeState((state) => {
        if (state === 'starting' || state === 'unreachable' || state === 'stopped') this.listener.onDidChangeState(state, c.lastError);
        else if (previous === 'unreachable') this.listener.onDidReturn();
        previous = state;
      }),
    ];
    this.statusBar.follow(c);
    void vscode.commands.executeCommand('setContext', 'choreo.remote', c.kind === 'remote');
    this.listener.onDidChangeState('starting', undefined);
    // After activate() returns: finding or starting the control plane must not hold up the window.
    setTimeout(() => {
      void c.ready();
      c.startWatchdog();
    }, 0);
    return c;
  }

  dispose(): void {
    this.events.forEach((d) => d.dispose());
    this.current.dispose();
  }
}
