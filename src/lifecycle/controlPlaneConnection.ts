/**
 * Which control plane the extension talks to (the local one it starts, or a remote URL from the settings), whether it
 * is healthy, and the client for it. The client module (the API schemas, zod) is imported on first use, not at activation.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { CredentialVault } from '../secrets/credentialVault';
import type { TeamSignIns } from '../auth/teamSignIns';
import { LocalControlPlane } from './localControlPlane';
import { probeHealth } from './healthProbe';

export type ConnectionState = 'starting' | 'ready' | 'unreachable';

export interface ConnectionSettings {
  /** Empty: the local control plane. */
  remoteUrl: string;
  localPort: number;
}

export function readSettings(): ConnectionSettings {
  const c = vscode.workspace.getConfiguration('choreo.controlPlane');
  return { remoteUrl: (c.get<string>('url') ?? '').trim().replace(/\/+$/, ''), localPort: c.get<number>('localPort') ?? 7480 };
}

export class ControlPlaneConnection implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  /** Fires after the local control plane was found dead and started again: views reload. */
  private readonly restartedEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidRestart = this.restartedEmitter.event;

  state: ConnectionState = 'starting';
  lastError: string | undefined;
  local: LocalControlPlane | undefined;
  readonly remoteUrl: string | undefined;
  private clientPromise: Promise<ControlPlaneClient> | undefined;
  private readyPromise: Promise<void> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private askingToken: Promise<string | undefined> | undefined;
  private shutDown = false;

  constructor(
    settings: ConnectionSettings,
    storageDir: string,
    extensionPath: string,
    private readonly vault: CredentialVault,
    private readonly log: vscode.LogOutputChannel,
    /** Signing people in to a team's control plane (its account shows in the Accounts menu). */
    private readonly signIns?: TeamSignIns,
  ) {
    if (settings.remoteUrl) {
      this.remoteUrl = settings.remoteUrl;
      // Registered now, so the Accounts menu shows a sign-in kept from before.
      void signIns?.for(settings.remoteUrl);
    } else {
      this.local = new LocalControlPlane({
        entry: path.join(extensionPath, 'dist', 'controlPlane.js'),
        dataDir: path.join(storageDir, 'control-plane'),
        port: settings.localPort,
        log: (l) => log.info(l),
      });
    }
  }

  get kind(): 'local' | 'remote' {
    return this.local ? 'local' : 'remote';
  }

  /** The control plane's id in the vault and in messages: its base URL. */
  get baseUrl(): string {
    return this.local?.baseUrl ?? this.remoteUrl!;
  }

  /** Finds or starts the control plane (local) or checks it answers (remote). Never throws: see `state`. */
  ready(): Promise<void> {
    this.readyPromise ??= this.connect().finally(() => (this.readyPromise = undefined));
    return this.readyPromise;
  }

  /** A client for the current control plane, once it is up. */
  client(): Promise<ControlPlaneClient> {
    this.clientPromise ??= import('../client/controlPlaneClient.js').then(
      ({ ControlPlaneClient }) =>
        new ControlPlaneClient({
          baseUrl: this.baseUrl,
          token: () => this.token(),
          recover: () => this.recover(),
          trace: (l: string) => this.log.trace(l),
        }),
    );
    return this.clientPromise;
  }

  /** Checks the control plane's health every few seconds; a dead local one is started again. */
  startWatchdog(intervalMs = 5_000): void {
    this.watchdog = setInterval(() => void this.check(), intervalMs);
  }

  /** Restart Local Control Plane: stops the process, starts it again, reloads views. */
  async restart(): Promise<void> {
    if (!this.local) throw new Error('Restart applies to the local control plane; a remote one is run by its team.');
    // A restart after shutdown() means "run it again": watch it again too, or a later crash would go unrecovered.
    if (this.shutDown) {
      this.shutDown = false;
      this.startWatchdog();
    }
    await this.local.stop();
    await this.ready();
    if (this.state === 'ready') this.restartedEmitter.fire();
  }

  /**
   * Stops the local control plane and stops watching it, so nothing starts it again from this window. Not used on
   * deactivate (other windows and the user's running app share it); tests use it to leave no process behind.
   */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.local?.stop();
  }

  /** Asked by the client when a call could not connect: true when the control plane is back. */
  async recover(): Promise<boolean> {
    if (this.shutDown) return false;
    if (!this.local) {
      this.setState('unreachable', `The control plane at ${this.baseUrl} cannot be reached.`);
      return false;
    }
    this.local.distrust();
    this.log.warn(`The local control plane on ${this.baseUrl} does not answer; starting it again.`);
    await this.ready();
    if (this.state === 'ready') this.restartedEmitter.fire();
    return this.state === 'ready';
  }

  private async check(): Promise<void> {
    if (this.readyPromise || this.shutDown) return;
    let healthy: boolean;
    if (this.local) {
      // The local one must still be ours: a program that took the port after it stopped gets nothing.
      const identity = await this.local.identify();
      if (identity === 'foreign') {
        this.local.distrust();
        this.setState('unreachable', `Another program answers on ${this.baseUrl}; it is not this extension's control plane.`);
        return;
      }
      healthy = identity === 'ours';
      if (!healthy) this.local.distrust();
    } else {
      healthy = await probeHealth(this.baseUrl);
    }
    if (healthy && this.state !== 'ready') {
      this.setState('ready');
      this.restartedEmitter.fire();
    } else if (!healthy) {
      if (this.local) await this.recover();
      else this.setState('unreachable', `The control plane at ${this.baseUrl} cannot be reached.`);
    }
  }

  private async connect(): Promise<void> {
    if (this.state !== 'ready') this.setState('starting');
    try {
      if (this.local) {
        const how = await this.local.ensureRunning();
        if (how === 'found') this.log.info(`Using the local control plane already running on ${this.baseUrl}`);
        this.setState('ready');
      } else if (await probeHealth(this.baseUrl, 5_000)) {
        this.setState('ready');
      } else {
        this.setState('unreachable', `The control plane at ${this.baseUrl} does not answer GET /healthz.`);
      }
    } catch (e) {
      const err = e as Error & { logTail?: string };
      this.log.error(err.message);
      if (err.logTail) this.log.error(`Control plane log (${this.local?.logFile}):\n${err.logTail}`);
      this.setState('unreachable', err.message);
    }
  }

  private async token(): Promise<string | undefined> {
    if (this.local) return this.local.token();
    // A person signed in with the team's identity provider; else a pasted (personal access) token.
    const signedIn = await (await this.signIns?.for(this.baseUrl))?.accessToken();
    if (signedIn) return signedIn;
    const stored = await this.vault.getAccessToken(this.baseUrl);
    if (stored) return stored;
    // Asked once per session at most; kept in SecretStorage once the control plane accepted it.
    this.askingToken ??= this.askToken().finally(() => (this.askingToken = undefined));
    return this.askingToken;
  }

  private async askToken(): Promise<string | undefined> {
    if (this.signIns && (await offersSignIn(this.baseUrl))) {
      const how = await vscode.window.showQuickPick(
        [
          { label: '$(account) Sign in with your team\'s identity provider', signIn: true },
          { label: '$(key) Paste a personal access token', signIn: false },
        ],
        { title: `Sign in to ${this.baseUrl}`, ignoreFocusOut: true },
      );
      if (!how) return undefined;
      if (how.signIn) {
        const provider = await this.signIns.for(this.baseUrl);
        await provider.createSession();
        return provider.accessToken();
      }
    }
    const token = await vscode.window.showInputBox({
      title: `Sign in to ${this.baseUrl}`,
      prompt: 'Access token of the control plane (kept in SecretStorage).',
      password: true,
      ignoreFocusOut: true,
    });
    if (!token) return undefined;
    await verifyAccessToken(this.baseUrl, token);
    await this.vault.storeAccessToken(this.baseUrl, token);
    return token;
  }

  private setState(state: ConnectionState, error?: string): void {
    this.lastError = error;
    if (state === this.state && state !== 'unreachable') return;
    this.state = state;
    this.stateEmitter.fire(state);
  }

  dispose(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.stateEmitter.dispose();
    this.restartedEmitter.dispose();
  }
}

/** Whether the team's control plane signs people in (it was started with --users-idp). */
async function offersSignIn(baseUrl: string): Promise<boolean> {
  const { signInInfo } = await import('../auth/deviceFlow.js');
  return signInInfo(baseUrl).then(
    () => true,
    () => false,
  );
}

/** Checks a token against a control plane with one cheap call; throws the client's error (e.g. `unauthorized`). */
export async function verifyAccessToken(baseUrl: string, token: string): Promise<void> {
  const { ControlPlaneClient } = await import('../client/controlPlaneClient.js');
  const client = new ControlPlaneClient({ baseUrl, token: async () => token, timeoutMs: 10_000 });
  await client.listOrganizations({ limit: 1 });
}
