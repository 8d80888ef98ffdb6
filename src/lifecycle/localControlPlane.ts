/**
 * Finds or starts the local control plane: its own process, run with the extension host's Node
 * (`process.execPath`, as plain Node under Electron), detached so it outlives this window and serves every window
 * on the same port. Its data (store, signing keys, admin token) lives in the extension's global storage, in a folder
 * only this user can read (0700; its log 0600).
 *
 * It keeps running when the last VS Code window closes: the apps being developed use its token URL and gateway, and
 * a restart would cost the next window a start. Stop Local Control Plane stops it and leaves a mark beside the data
 * folder (`control-plane.stopped`) so no window starts it again until Start (or Restart) is run.
 *
 * Upgrades: a window whose extension is newer than the control plane it finds replaces it when no other window uses
 * it (WindowRegistry), or leaves it and says so (`outdated`), for the user to restart; a window whose extension is
 * older uses the newer one and never replaces it.
 *
 * Anyone on the machine can listen on 127.0.0.1 first, so whatever answers on the port must prove it is the control
 * plane of this data folder before the admin token is sent to it: it answers a fresh random challenge with an HMAC
 * under the admin token (src/api/identityProof.ts), which only a process that can read the data folder can give.
 */
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { identityProof } from '../api/identityProof';
import { CONTROL_PLANE_VERSION } from '../controlPlane/version';
import { probe, probeHealth } from './healthProbe';
import { compareVersions } from './version';
import { isAlive } from './windowRegistry';
import * as l10n from '@vscode/l10n';

export interface LocalControlPlaneOptions {
  /** The control plane bundle, `dist/controlPlane.js` of this extension. */
  entry: string;
  dataDir: string;
  port: number;
  log: (line: string) => void;
  startTimeoutMs?: number;
  /** The version of the control plane at `entry` (this build's); the running one is compared with it. */
  version?: string;
  /** How many other VS Code windows use the local control plane (WindowRegistry); none when not given. */
  otherWindows?: () => number;
}

/** How `ensureRunning` found it: running, started by this call, restarted with this newer version, or stopped by the
 * user (not started). */
export type RunningHow = 'found' | 'started' | 'upgraded' | 'stopped';

/** The running control plane is older than this window's, and other windows use it, so it was left running. */
export interface Outdated {
  running: string;
  mine: string;
  otherWindows: number;
}

export class LocalControlPlaneError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(message);
  }
}

/** What answers on the port: our control plane (it proved it holds the data folder's admin token), another
 * program, or nothing. */
export type Identity = 'ours' | 'foreign' | 'down';

export class LocalControlPlane {
  readonly baseUrl: string;
  /** Process id when this window started it; undefined when another window did. */
  pid: number | undefined;
  /** The version the running control plane reported when it last proved itself. */
  runningVersion: string | undefined;
  /** Set when the running control plane is older than this window's and was left running for other windows. */
  outdated: Outdated | undefined;
  readonly version: string;
  private starting: Promise<RunningHow> | undefined;
  private cachedToken: string | undefined;
  /** The server on the port proved itself since it was last found or started. */
  private proven = false;

  constructor(private readonly o: LocalControlPlaneOptions) {
    this.baseUrl = `http://127.0.0.1:${o.port}`;
    this.version = o.version ?? CONTROL_PLANE_VERSION;
  }

  get logFile(): string {
    return path.join(this.o.dataDir, 'control-plane.log');
  }

  get dataDir(): string {
    return this.o.dataDir;
  }

  /** The mark Stop leaves beside the data folder: while it is there no window starts the control plane. */
  private get stoppedFile(): string {
    return `${this.o.dataDir}.stopped`;
  }

  /** The user stopped it (in any window) and has not started it since. */
  isStopped(): boolean {
    return fs.existsSync(this.stoppedFile);
  }

  /** Stop Local Control Plane: no window starts it again until Start; then the process is stopped. */
  async stopByUser(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.stoppedFile), { recursive: true });
    await fs.promises.writeFile(this.stoppedFile, `${new Date().toISOString()}\n`, { mode: 0o600 });
    await this.stop();
  }

  /** Start (or Restart) clears the user's stop. */
  clearStopped(): void {
    fs.rmSync(this.stoppedFile, { force: true });
  }

  /** Clean: the data folder, its log included, is deleted (the process must be stopped first). */
  async deleteData(): Promise<void> {
    await fs.promises.rm(this.o.dataDir, { recursive: true, force: true });
    this.cachedToken = undefined;
    this.proven = false;
  }

  isHealthy(): Promise<boolean> {
    return probeHealth(this.baseUrl);
  }

  /** Probes first (another window may run it), then starts it. Concurrent callers share one start. */
  ensureRunning(): Promise<RunningHow> {
    this.starting ??= this.findOrStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** The admin token the control plane wrote into its data folder at first start, once the server on the port has
   * proved it is that control plane; throws LocalControlPlaneError when another program answers there. */
  async token(): Promise<string | undefined> {
    const token = await this.readToken();
    if (token === undefined) return undefined;
    if (!this.proven) {
      const identity = await this.identify();
      if (identity === 'foreign') throw this.foreign();
      this.proven = identity === 'ours';
    }
    return token;
  }

  /** Asks whatever answers on the port to prove it holds this data folder's admin token. */
  async identify(): Promise<Identity> {
    const token = await this.readToken();
    const challenge = randomBytes(24).toString('base64url');
    const answer = await probe(this.baseUrl, 1_000, challenge);
    if (!answer.healthy) return 'down';
    if (token === undefined || answer.proof === undefined) return 'foreign';
    const given = Buffer.from(answer.proof, 'base64url');
    const expected = Buffer.from(identityProof(token, challenge), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'foreign';
    this.runningVersion = answer.version;
    return 'ours';
  }

  /** Forget that the server proved itself (it stopped answering, or was restarted): it is asked again before the
   * token is sent. */
  distrust(): void {
    this.proven = false;
  }

  private async readToken(): Promise<string | undefined> {
    if (this.cachedToken) return this.cachedToken;
    try {
      this.cachedToken = (await fs.promises.readFile(path.join(this.o.dataDir, 'admin-token'), 'utf8')).trim();
    } catch {
      return undefined;
    }
    return this.cachedToken;
  }

  private foreign(): LocalControlPlaneError {
    this.proven = false;
    return new LocalControlPlaneError(
      l10n.t`Another program answers on ${this.baseUrl}, and it is not this extension's control plane (it could not prove it holds the admin token of ${this.o.dataDir}), so nothing is sent to it. Stop that program, or set choreo.controlPlane.localPort to a free port.`,
      '',
    );
  }

  /**
   * Stops the local control plane, whichever window started it (SIGTERM: the server closes its store cleanly), and
   * waits until the process is gone, so its port and its data folder's lock are free when this returns.
   */
  async stop(): Promise<boolean> {
    const pid = this.pid ?? this.pidFromDataFolder();
    this.pid = undefined;
    this.proven = false;
    if (!pid) return false;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return false;
    }
    // It closes its connections (2 s of grace for calls in flight), then its store: 10 s is ample, then it is killed
    // (safe: every answered write is synced already).
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) {
      this.o.log(`The local control plane (pid ${pid}) did not stop within 10 s; killing it.`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      for (let i = 0; i < 20 && isAlive(pid); i++) await sleep(100);
    }
    return true;
  }

  private async findOrStart(): Promise<RunningHow> {
    this.proven = false;
    this.outdated = undefined;
    const found = await this.identify();
    if (found === 'ours') return this.checkVersion();
    if (found === 'foreign') throw this.foreign();
    if (this.isStopped()) return 'stopped';
    return this.start();
  }

  /** Found running: replace it when it is older than this window's and no other window uses it. */
  private async checkVersion(): Promise<RunningHow> {
    const running = this.runningVersion ?? '0.0.0';
    const order = compareVersions(this.version, running);
    if (order < 0) {
      this.o.log(`The local control plane running is version ${running}, newer than this window's extension (${this.version}): using it as it is.`);
    }
    if (order <= 0) return this.provenAs('found');
    const otherWindows = this.o.otherWindows?.() ?? 0;
    if (otherWindows > 0) {
      this.outdated = { running, mine: this.version, otherWindows };
      this.o.log(
        `The local control plane running is version ${running}, older than this window's extension (${this.version}); ${otherWindows} other window(s) use it, so it is left running.`,
      );
      return this.provenAs('found');
    }
    this.o.log(
      `The local control plane running is version ${running}, older than this window's extension (${this.version}), and no other window uses it: restarting it.`,
    );
    await this.stop();
    await this.start();
    return 'upgraded';
  }

  private async start(): Promise<'started' | 'found'> {
    this.cachedToken = undefined;
    // Only this user may read the data folder (its admin token, signing keys, store) and the log.
    await fs.promises.mkdir(this.o.dataDir, { recursive: true, mode: 0o700 });
    await fs.promises.chmod(this.o.dataDir, 0o700);
    if (!fs.existsSync(this.o.entry)) {
      throw new LocalControlPlaneError(l10n.t`The control plane program is missing at ${this.o.entry}. Rebuild the extension.`, '');
    }
    const logStart = fileSize(this.logFile);
    const out = fs.openSync(this.logFile, 'a', 0o600);
    fs.fchmodSync(out, 0o600);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    // --sample-service: each organization made here comes with a service to connect to, so a new user can walk the
    // whole flow at once. Only the local control plane: a team's server holds what the team made, nothing else.
    const args = [this.o.entry, 'serve', '--data', this.o.dataDir, '--host', '127.0.0.1', '--port', String(this.o.port), '--sample-service'];
    this.o.log(`Starting the local control plane on ${this.baseUrl} (data in ${this.o.dataDir})`);
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env, windowsHide: true });
    fs.closeSync(out);
    child.unref();
    let exit: string | undefined;
    child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
    child.once('error', (e) => (exit = e.message));
    this.pid = child.pid;

    const deadline = Date.now() + (this.o.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      const identity = await this.identify();
      if (identity === 'ours') {
        this.o.log(`Local control plane is up on ${this.baseUrl} (pid ${child.pid})`);
        return this.provenAs('started');
      }
      if (identity === 'foreign' && exit !== undefined) throw this.foreign();
      if (exit !== undefined) {
        this.pid = undefined;
        // Another window may have won the race for the data folder's lock and be starting it right now.
        for (let i = 0; i < 30; i++) {
          const again = await this.identify();
          if (again === 'ours') return this.provenAs('found');
          if (again === 'foreign') throw this.foreign();
          await sleep(100);
        }
        const tail = readTail(this.logFile, logStart);
        throw new LocalControlPlaneError(`${l10n.t`The local control plane stopped at start (${exit}).`} ${lastLine(tail)}`.trim(), tail);
      }
      await sleep(100);
    }
    const tail = readTail(this.logFile, logStart);
    throw new LocalControlPlaneError(l10n.t`The local control plane did not answer on ${this.baseUrl} in time.`, tail);
  }

  private provenAs<T extends RunningHow>(how: T): T {
    this.proven = true;
    return how;
  }

  /** When another window started it, the server's pid file (if it writes one) lets Restart stop it. */
  private pidFromDataFolder(): number | undefined {
    for (const name of ['lock', 'pid']) {
      try {
        const pid = Number(fs.readFileSync(path.join(this.o.dataDir, name), 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0) return pid;
      } catch {
        /* not written by this server version */
      }
    }
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function readTail(file: string, from: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(Math.max(from, text.length - 4000));
  } catch {
    return '';
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
