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
import { compareVersions } from './version';
import { WindowRegistry } from './windowRegistry';

/** `stopped`: the user stopped the local control plane (in this or another window); nothing starts it but Start. */
export type ConnectionState = 'starting' | 'ready' | 'unreachable' | 'stopped';

/** The message a command gets while the local control plane is stopped. */
export const STOPPED_MESSAGE = vscode.l10n.t('The local control plane is stopped. Start it with Choreo: Start Local Control Plane.');

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
  /** Which windows use the local control plane (for the version check); none for a remote one. */
  private readonly windows: WindowRegistry | undefined;
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
      const windows = new WindowRegistry(path.join(storageDir, 'windows'));
      this.windows = windows;
      this.local = new LocalControlPlane({
        entry: path.join(extensionPath, 'dist', 'controlPlane.js'),
        dataDir: path.join(storageDir, 'control-plane'),
        port: settings.localPort,
        log: (l) => log.info(l),
        otherWindows: () => windows.others(),
      });
      windows.register(this.local.version);
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

  /**
   * Restart Local Control Plane: stops the process, starts it again, reloads views. Also clears a Stop. Refused when
   * the running one is newer than this window's extension: an older window never replaces a newer control plane.
   */
  async restart(): Promise<void> {
    const local = this.localOnly('Restart');
    if ((await local.identify()) === 'ours' && local.runningVersion && compareVersions(local.version, local.runningVersion) < 0) {
      throw new Error(
        vscode.l10n.t(
          "The local control plane running is version {0}, newer than this window's extension ({1}), so this window does not replace it. Reload this window to use the newer extension.",
          local.runningVersion,
          local.version,
        ),
      );
    }
    local.clearStopped();
    // A restart after shutdown() means "run it again": watch it again too, or a later crash would go unrecovered.
    this.watchAgain();
    await local.stop();
    await this.ready();
    if (this.state === 'ready') this.restartedEmitter.fire();
  }

  /** Start Local Control Plane: clears a Stop (in every window) and starts it, or finds it running. */
  async start(): Promise<void> {
    this.localOnly('Start').clearStopped();
    this.watchAgain();
    await this.ready();
    if (this.state === 'ready') this.restartedEmitter.fire();
  }

  /** Stop Local Control Plane: stops it, and no window starts it again until Start. */
  async stop(): Promise<void> {
    await this.localOnly('Stop').stopByUser();
    this.setState('stopped', STOPPED_MESSAGE);
  }

  /** Clean: stops it (as Stop) and deletes its data folder. The caller removes the secrets kept for it. */
  async clean(): Promise<void> {
    const local = this.localOnly('Clean');
    await local.stopByUser();
    await local.deleteData();
    this.setState('stopped', STOPPED_MESSAGE);
  }

  private localOnly(what: string): LocalControlPlane {
    if (!this.local) throw new Error(vscode.l10n.t('{0} applies to the local control plane; a remote one is run by its team.', what));
    return this.local;
  }

  private watchAgain(): void {
    if (!this.shutDown) return;
    this.shutDown = false;
    this.startWatchdog();
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
      this.setState('unreachable', vscode.l10n.t('The control plane at {0} cannot be reached.', this.baseUrl));
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
    // Stopped by the user: nothing to watch until Start; but another window's Start shows here too.
    if (this.state === 'stopped' && this.local?.isStopped()) return;
    let healthy: boolean;
    if (this.local) {
      // The local one must still be ours: a program that took the port after it stopped gets nothing.
      const identity = await this.local.identify();
      if (identity === 'foreign') {
        this.local.distrust();
        this.setState('unreachable', vscode.l10n.t("Another program answers on {0}; it is not this extension's control plane.", this.baseUrl));
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
      else this.setState('unreachable', vscode.l10n.t('The control plane at {0} cannot be reached.', this.baseUrl));
    }
  }

  private async connect(): Promise<void> {
    if (this.state !== 'ready') this.setState('starting');
    try {
      if (this.local) {
        const how = await this.local.ensureRunning();
        if (how === 'stopped') {
          this.setState('stopped', STOPPED_MESSAGE);
          return;
        }
        if (how === 'found') this.log.info(`Using the local control plane version ${this.local.runningVersion} already running on ${this.baseUrl}`);
        if (how === 'upgraded') this.log.info(`The local control plane on ${this.baseUrl} now runs version ${this.local.version}.`);
        this.setState('ready');
        if (this.local.outdated) void this.offerUpgrade(this.local.outdated);
      } else if (await probeHealth(this.baseUrl, 5_000)) {
        this.setState('ready');
      } else {
        this.setState('unreachable', vscode.l10n.t('The control plane at {0} does not answer GET /healthz.', this.baseUrl));
      }
    } catch (e) {
      const err = e as Error & { logTail?: string };
      this.log.error(err.message);
      if (err.logTail) this.log.error(`Control plane log (${this.local?.logFile}):\n${err.logTail}`);
      this.setState('unreachable', err.message);
    }
  }

  /** The running control plane is older than this window's extension, and other windows use it: say so, offer to. */
  private async offerUpgrade(o: { running: string; mine: string; otherWindows: number }): Promise<void> {
    const restart = vscode.l10n.t('Restart It Now');
    const picked = await vscode.window.showInformationMessage(
      o.otherWindows === 1
        ? vscode.l10n.t(
            "The local control plane running is version {0}; this window's extension is {1}. Another window uses it, so it was left running. Restart it to run version {1} (those windows reconnect by themselves).",
            o.running,
            o.mine,
          )
        : vscode.l10n.t(
            "The local control plane running is version {0}; this window's extension is {1}. {2} other windows use it, so it was left running. Restart it to run version {1} (those windows reconnect by themselves).",
            o.running,
            o.mine,
            o.otherWindows,
          ),
      restart,
    );
    if (picked === restart) await this.restart().catch((e: Error) => void vscode.window.showErrorMessage(e.message));
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
          { label: "$(account) Sign in with your team's identity provider", signIn: true },
          { label: '$(key) Paste a personal access token', signIn: false },
        ],
        { title: vscode.l10n.t('Sign in to {0}', this.baseUrl), ignoreFocusOut: true },
      );
      if (!how) return undefined;
      if (how.signIn) {
        const provider = await this.signIns.for(this.baseUrl);
        await provider.createSession();
        return provider.accessToken();
      }
    }
    const token = await vscode.window.showInputBox({
      title: vscode.l10n.t('Sign in to {0}', this.baseUrl),
      prompt: vscode.l10n.t('Access token of the control plane (kept in SecretStorage).'),
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
    this.windows?.unregister();
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
