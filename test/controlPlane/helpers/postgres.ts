/**
 * A real PostgreSQL 15 cluster for the tests: made with initdb in a temp folder, started with pg_ctl on a free
 * loopback port, removed when the test run ends. PostgreSQL refuses to run as root, so when the tests run as root the
 * cluster runs as the `postgres` user that Debian's package creates (its folder is handed to that user).
 *
 * Each test asks for a database of its own (`createDatabase`), so tests share one cluster without sharing state.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './controlPlane';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

/** A PostgreSQL program of the Debian package (initdb, pg_ctl, pg_dump, …). */
export function binary(name: string): string {
  for (const dir of BIN_DIRS) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  throw new Error(`PostgreSQL's ${name} was not found in ${BIN_DIRS.join(', ')}. Install the Debian package "postgresql".`);
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when we are root. */
function run(program: string, args: string[], opts: { allowFail?: boolean } = {}): string {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary(program), ...args]] : [binary(program), args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${program} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export class PostgresCluster {
  private counter = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  static async start(): Promise<PostgresCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-pg-'));
    fs.chmodSync(dir, 0o755);
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    const port = await freePort();
    const cluster = new PostgresCluster(dir, port);
    clusters.add(cluster);
    run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    fs.appendFileSync(
      path.join(cluster.dataDir, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'max_connections = 200',
        // Durable commits, as in production: the tests count acknowledged writes after kill -9.
        'fsync = on',
        'synchronous_commit = on',
        'shared_buffers = 128MB',
        '',
      ].join('\n'),
    );
    cluster.startServer();
    return cluster;
  }

  startServer(): void {
    run('pg_ctl', ['-D', this.dataDir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** Fast shutdown (clients are disconnected), as an operator's restart. */
  stopServer(mode: 'fast' | 'immediate' = 'fast'): void {
    run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop'], { allowFail: true });
  }

  /** Every process of the cluster (postmaster and backends), to SIGSTOP / SIGCONT it as a hung machine. */
  pids(): number[] {
    const postmaster = Number(fs.readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    return [postmaster, ...children];
  }

  pause(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGSTOP');
  }

  resume(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGCONT');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new, empty database; its URL. */
  async createDatabase(prefix = 't'): Promise<string> {
    const name = `${prefix}_${process.pid}_${++this.counter}`;
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  remove(): void {
    this.stopServer('immediate');
    fs.rmSync(this.dir, { recursive: true, force: true });
    clusters.delete(this);
  }
}

const clusters = new Set<PostgresCluster>();
process.on('exit', () => {
  for (const c of clusters) {
    try {
      c.resume();
    } catch {
      // not running
    }
    c.remove();
  }
});

let shared: Promise<PostgresCluster> | undefined;

/** One cluster for the whole test run (each test makes its own database in it). */
export function sharedCluster(): Promise<PostgresCluster> {
  shared ??= PostgresCluster.start();
  return shared;
}

/** SQL against a database, for tests that look behind the store. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
