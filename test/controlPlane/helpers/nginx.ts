/**
 * A team control plane behind nginx, as the README's "Run a team control plane" sets it up: replicas on one
 * PostgreSQL database (team.ts), and nginx in front (round robin, TLS terminated there) with
 * deploy/nginx/choreo-control-plane.conf as it is in the repository, plus the two site files it includes (the
 * replicas' addresses; a free port and a throwaway certificate for 127.0.0.1, or plain HTTP on loopback).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort, tempDir } from './controlPlane';
import { startTeam, timeUntil, type Team } from './team';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const REPO_CONF = path.resolve(__dirname, '../../../deploy/nginx/choreo-control-plane.conf');

/** nginx in front of control planes: where it will listen (its URL, which they put in theirs), then `start`. */
export interface NginxFront {
  /** nginx's URL: https://127.0.0.1:port (or http:// without TLS). */
  url: string;
  /** The certificate nginx presents (PEM), for clients to trust; undefined without TLS. */
  certFile?: string;
  /** Starts nginx in front of these servers (host:port each), once it answers /healthz through them. */
  start(servers: string[]): Promise<RunningNginx>;
}

export interface RunningNginx {
  /** nginx's processes (master and workers), for a bench to read their CPU time. */
  pids(): number[];
  stop(): void;
}

/**
 * A port and (with TLS) a certificate for nginx. Needs nginx (Debian package nginx-light). `tls: false` for a
 * client that cannot be told to trust a throwaway certificate (VS Code's extension host, whose fetch reads the
 * certificates it trusts before a test can name one).
 */
export async function nginxFront({ tls = true } = {}): Promise<NginxFront> {
  if (!NGINX) throw new Error('nginx is not installed (Debian package nginx-light).');
  const dir = tempDir('cp-nginx-');
  const port = await freePort();
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let certFile: string | undefined;
  if (tls) {
    certFile = path.join(dir, 'cert.pem');
    const cert = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      certFile,
    ]);
    assert.equal(cert.status, 0, cert.stderr.toString());
  }
  const start = async (servers: string[]): Promise<RunningNginx> => {
    fs.writeFileSync(path.join(dir, 'choreo-replicas.conf'), servers.map((host) => `server ${host} max_fails=2 fail_timeout=5s;`).join('\n'));
    fs.writeFileSync(
      path.join(dir, 'choreo-listen.conf'),
      certFile ? `listen 127.0.0.1:${port} ssl;\nssl_certificate ${certFile};\nssl_certificate_key ${dir}/key.pem;\n` : `listen 127.0.0.1:${port};\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${REPO_CONF};\n}\n`,
    );
    const nginx = spawn(NGINX, ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf')], { stdio: 'inherit' });
    const stop = () => {
      process.off('exit', stop);
      nginx.kill('SIGTERM');
    };
    process.once('exit', stop);
    try {
      const dispatcher = new Agent(certFile ? { connect: { ca: fs.readFileSync(certFile) } } : {});
      await timeUntil(async () => (await undiciFetch(`${url}/healthz`, { dispatcher }).catch(() => undefined))?.status === 200, 10_000);
      await dispatcher.close();
    } catch (err) {
      stop();
      throw err;
    }
    const pids = () => [
      nginx.pid!,
      ...spawnSync('pgrep', ['-P', String(nginx.pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map(Number),
    ];
    return { pids, stop };
  };
  return { url, certFile, start };
}

export interface TeamBehindNginx {
  team: Team;
  /** The one URL clients use: nginx's. */
  url: string;
  certFile?: string;
  nginx: RunningNginx;
  stop(): Promise<void>;
}

/** `count` replicas behind nginx; their public URL is nginx's. */
export async function startTeamBehindNginx(count: number, extraArgs: string[] = [], { tls = true } = {}): Promise<TeamBehindNginx> {
  const front = await nginxFront({ tls });
  const team = await startTeam(count, extraArgs, front.url);
  let nginx: RunningNginx;
  try {
    nginx = await front.start(team.replicas.map((r) => new URL(r.url).host));
  } catch (err) {
    await team.stop();
    throw err;
  }
  const stop = async () => {
    nginx.stop();
    await team.stop();
  };
  return { team, url: front.url, certFile: front.certFile, nginx, stop };
}
