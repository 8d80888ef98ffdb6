/**
 * Starts the real control plane (the esbuild bundle of src/controlPlane/cli.ts, as the extension ships it) as a
 * separate process on an ephemeral port with a temp data folder, and talks to it over HTTP.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import * as esbuild from 'esbuild';

const REPO = path.resolve(__dirname, '..', '..', '..');
export const READY = /^Choreo control plane listening on (\S+)$/m;

const bundles = new Map<string, Promise<string>>();

/** Builds the CLI bundle once per test run (per version), into a temp folder (dist/ belongs to the build). `version`
 * is what it reports and compares, as esbuild.config.mjs puts package.json's in; without it, 0.0.0-source. */
export function controlPlaneBundle(version?: string): Promise<string> {
  const key = version ?? '';
  let bundle = bundles.get(key);
  bundle ??= (async () => {
    const outfile = path.join(tempDir('cp-bundle-'), 'controlPlane.js');
    await esbuild.build({
      define: version === undefined ? {} : { __CHOREO_VERSION__: JSON.stringify(version) },
      entryPoints: [path.join(REPO, 'src/controlPlane/cli.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      logLevel: 'warning',
      external: ['pg-native'],
    });
    return outfile;
  })();
  bundles.set(key, bundle);
  return bundle;
}

/** A loopback port free right now (for a restart on the same port, where port 0 would not do). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** A fresh folder under the OS temp folder, removed when the test run ends. */
export function tempDir(prefix = 'cp-data-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const tempDirs: string[] = [];
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command to completion. */
export async function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<Cli> {
  const child = spawn(process.execPath, [await controlPlaneBundle(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env && { ...process.env, ...env } });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  running.delete(child);
  return { code, stdout, stderr };
}

export class ControlPlane {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    readonly token: string,
    readonly stderr: () => string,
  ) {}

  static async start(dataDir = tempDir(), extraArgs: string[] = []): Promise<ControlPlane> {
    return ControlPlane.serve(['--data', dataDir, '--port', '0', ...extraArgs], dataDir);
  }

  /** A local control plane that puts `publicUrl` in its URLs (as behind a proxy); called here on its own port. */
  static async startBehind(publicUrl: string, dataDir = tempDir(), extraArgs: string[] = []): Promise<ControlPlane> {
    const port = await freePort();
    return ControlPlane.serve(
      ['--data', dataDir, '--port', String(port), '--public-url', publicUrl, ...extraArgs],
      dataDir,
      undefined,
      undefined,
      `http://127.0.0.1:${port}`,
    );
  }

  /** A replica of a team control plane (serve --database-url, the URL and key given by environment as an operator
   * would), managed with `token` (from `admin-token`). */
  static async startTeam(databaseUrl: string, encryptionKey: string, token: string, publicUrl: string, extraArgs: string[] = []): Promise<ControlPlane> {
    const env = { ...process.env, CHOREO_DATABASE_URL: databaseUrl, CHOREO_ENCRYPTION_KEY: encryptionKey };
    // Replicas share one public URL (the load balancer's); each is called here on its own port.
    const port = await freePort();
    return ControlPlane.serve(['--port', String(port), '--public-url', publicUrl, ...extraArgs], '', token, env, `http://127.0.0.1:${port}`);
  }

  private static async serve(args: string[], dataDir: string, token?: string, env?: NodeJS.ProcessEnv, address?: string): Promise<ControlPlane> {
    const child = spawn(process.execPath, [await controlPlaneBundle(), 'serve', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    running.add(child);
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: string) => {
        out += d;
        const m = READY.exec(out);
        if (m) resolve(m[1]);
      };
      child.stdout!.setEncoding('utf8').on('data', onData);
      child.once('exit', (code) => reject(new Error(`control plane exited with ${code} before it was ready:\n${err}`)));
    });
    token ??= fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    return new ControlPlane(child, address ?? url, dataDir, token, () => err);
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (c) => resolve(c)));
    this.child.kill('SIGTERM');
    const code = await exited;
    running.delete(this.child);
    return code;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
    running.delete(this.child);
  }

  /** A management API call with the admin token (unless `token` is given, or null for none). */
  async call(method: string, apiPath: string, body?: unknown, opts: { token?: string | null; headers?: Record<string, string>; raw?: string } = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined = opts.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.url + apiPath, { method, headers, body: payload });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  }
}

/** An access token from an organization's built-in provider (client_credentials, client_secret_basic). */
export async function builtInAccessToken(baseUrl: string, org: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth2/${encodeURIComponent(org)}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request for ${clientId} failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
