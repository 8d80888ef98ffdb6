/**
 * A team control plane for the tests: a fresh database in the shared PostgreSQL cluster, an encryption key, an admin
 * token made with `admin-token`, and replicas of the real control plane bundle on it. Plus the calls the tests make
 * of a consumer: its seed (organization, consumer with keys, service with an upstream, connection), tokens, and
 * gateway calls.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { ControlPlane, runCli } from './controlPlane';
import { sharedCluster, type PostgresCluster } from './postgres';

export interface Team {
  cluster: PostgresCluster;
  databaseUrl: string;
  encryptionKey: string;
  token: string;
  replicas: ControlPlane[];
  env: Record<string, string>;
  start(extraArgs?: string[]): Promise<ControlPlane>;
  stop(): Promise<void>;
}

/** The URL clients use (the load balancer's); replicas put it in issuers and token URLs. */
export const TEAM_PUBLIC_URL = 'http://choreo-team.test';

export async function startTeam(count: number, extraArgs: string[] = [], publicUrl = TEAM_PUBLIC_URL, on?: PostgresCluster): Promise<Team> {
  const cluster = on ?? (await sharedCluster());
  const databaseUrl = await cluster.createDatabase('team');
  const encryptionKey = randomBytes(32).toString('hex');
  const env = { CHOREO_DATABASE_URL: databaseUrl, CHOREO_ENCRYPTION_KEY: encryptionKey };
  const made = await runCli(['admin-token'], env);
  assert.equal(made.code, 0, made.stderr);
  const token = made.stdout.trim();
  const team: Team = {
    cluster,
    databaseUrl,
    encryptionKey,
    token,
    env,
    replicas: [],
    async start(args = extraArgs) {
      // The tests' services and providers listen on loopback, which a team server reaches only when allowed.
      const cp = await ControlPlane.startTeam(
        databaseUrl,
        encryptionKey,
        token,
        publicUrl,
        args.includes('--allow-private-addresses') ? args : ['--allow-private-addresses', ...args],
      );
      team.replicas.push(cp);
      return cp;
    },
    async stop() {
      await Promise.all(team.replicas.map((r) => r.kill()));
    },
  };
  await Promise.all(Array.from({ length: count }, () => team.start()));
  return team;
}

/** An upstream service that answers who it is. */
export async function upstream(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

export const ORG = 'stark-industries';
export const PROJECT = 'default';

export interface Seed {
  consumer: string;
  clientId: string;
  secret: string;
  service: string;
  connection: string;
}

/** The seed's flow through one replica: organization, consumer, Generate Keys, service with an upstream, connection. */
export async function seed(cp: ControlPlane, upstreamUrl: string, consumer = 'mobile-app', createOrg = true): Promise<Seed> {
  const ok = (res: { status: number; text: string }, status: number) => assert.equal(res.status, status, res.text);
  if (createOrg) ok(await cp.call('POST', paths.orgs(), { name: 'Stark Industries' }), 201);
  ok(await cp.call('POST', paths.components(ORG, PROJECT), { name: consumer, displayName: consumer, type: 'external-consumer' }), 201);
  const keys = await cp.call('POST', `${paths.authFor(ORG, PROJECT, consumer, 'development')}/generate-keys`);
  ok(keys, 201);
  const service = `${consumer}-orders`;
  ok(
    await cp.call('POST', paths.components(ORG, PROJECT), {
      name: service,
      displayName: service,
      type: 'service',
      endpoints: [{ name: 'api', upstreamUrls: { development: upstreamUrl } }],
    }),
    201,
  );
  ok(
    await cp.call('POST', `${paths.component(ORG, PROJECT, consumer)}/connections`, { name: 'orders', serviceComponentName: service, endpointName: 'api' }),
    201,
  );
  return { consumer, clientId: keys.body.authConfiguration.clientId, secret: keys.body.clientSecret, service, connection: 'orders' };
}

/** POST to the token endpoint with client_secret_basic; the status and the access token if any. */
export async function token(baseUrl: string, clientId: string, secret: string): Promise<{ status: number; accessToken?: string; body: any; headers: Headers }> {
  const res = await fetch(`${baseUrl}/oauth2/${ORG}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const body = await res.json().catch(() => undefined);
  return { status: res.status, accessToken: body?.access_token, body, headers: res.headers };
}

export async function gatewayCall(baseUrl: string, s: Pick<Seed, 'service'>, accessToken: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}/gw/${ORG}/${PROJECT}/${s.service}/api/development/hello`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, text: await res.text() };
}

/** Milliseconds until `check` is true, polling as fast as the replica answers; throws after `limitMs`. */
export async function timeUntil(check: () => Promise<boolean>, limitMs = 5_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`not true after ${limitMs} ms`);
  }
}
