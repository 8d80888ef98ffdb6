// `npm run bench -- team`: the team control plane on PostgreSQL against the file store, in one run.
//   - token endpoint and gateway (wrk): file store, 1 PostgreSQL replica direct, 3 replicas behind nginx (goal ≥ 0.9
//     of the file store per replica);
//   - propagation of 200 revocations (Regenerate Secret on A → first refusal on B): p50, p99 (goal < 100 ms, < 1 s);
//   - durable management writes/s (creates, 16 at a time), PostgreSQL vs file store.
//   - scale: 1,000,000 components in 1,000 organizations (bulk-loaded in the database by INSERT … SELECT
//     generate_series, server-side as COPY would be): replica ready, resident memory, a list page, a cold client's token.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
// The TypeScript test helpers, loaded as CommonJS (as tokens/controlPlane.mjs does) so that __dirname is theirs.
const require = createRequire(import.meta.url);
const { paths } = require('../../src/api/routes.ts');
const { ControlPlane, freePort, tempDir } = require('../controlPlane/helpers/controlPlane.ts');
const { seed, startTeam, timeUntil, token, upstream, ORG, PROJECT } = require('../controlPlane/helpers/team.ts');
import { wrkTokens } from './tokens/wrk.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** wrk GETs with a Bearer token; not spawnSync: the upstream service runs in this process and must keep answering. */
async function wrkGet(url, bearer) {
  const child = spawn('wrk', ['-t1', '-c16', `-d${SECONDS}s`, '-H', `Authorization: Bearer ${bearer}`, url]);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`wrk failed (${code})`);
  const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  if (bad > 0) throw new Error(`${bad} gateway calls failed:\n${stdout}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)[1]);
}

async function hotPaths(label, baseUrl, s) {
  const t = await token(baseUrl, s.clientId, s.secret);
  const tokens = wrkTokens(`${baseUrl}/oauth2/${ORG}/token`, s.clientId, s.secret, { seconds: SECONDS });
  const gateway = await wrkGet(`${baseUrl}/gw/${ORG}/${PROJECT}/${s.service}/api/development/hello`, t.accessToken);
  console.log(`  ${label.padEnd(34)} token endpoint ${tokens.toFixed(0).padStart(6)}/s   gateway ${gateway.toFixed(0).padStart(6)}/s`);
  return { tokens, gateway };
}

async function writesPerSecond(cp, prefix) {
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; Date.now() < end; i++) {
        const res = await cp.call('POST', paths.components(ORG, PROJECT), { name: `${prefix}-${w}-${i}`, displayName: 'w', type: 'external-consumer' });
        if (res.status !== 201) throw new Error(res.text);
        n++;
      }
    }),
  );
  return n / SECONDS;
}

const up = await upstream('bench');
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

// File store.
const local = await ControlPlane.start(tempDir());
const ls = await seed(local, up.url);
const file = await hotPaths('file store', local.url, ls);
const fileWrites = await writesPerSecond(local, 'w');
await local.stop();

// PostgreSQL: three replicas; first one of them direct, then all three behind nginx.
const team = await startTeam(3);
const [a, b] = team.replicas;
const ts = await seed(a, up.url);
const direct = await hotPaths('PostgreSQL, 1 replica direct', a.url, ts);

const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
let behind;
let nginx;
if (nginxBin) {
  const dir = tempDir('bench-nginx-');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'choreo-replicas.conf'), team.replicas.map((r) => `server ${new URL(r.url).host};`).join('\n'));
  fs.writeFileSync(path.join(dir, 'choreo-listen.conf'), `listen 127.0.0.1:${port};\n`);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${path.resolve('deploy/nginx/choreo-control-plane.conf')};\n}\n`,
  );
  nginx = spawn(nginxBin, ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf')], { stdio: 'inherit' });
  const front = `http://127.0.0.1:${port}`;
  await timeUntil(async () => (await fetch(`${front}/healthz`).catch(() => undefined))?.status === 200, 10_000);
  // The issuer is the replicas' public URL; tokens come from the replicas here, so the gateway leg uses one of theirs.
  behind = await hotPaths('PostgreSQL, 3 replicas behind nginx', front, ts);
} else console.log('  (nginx is not installed: no figures behind nginx)');

const pgWrites = await writesPerSecond(a, 'w');

// Propagation: 200 revocations through A, each timed to the first refusal on B.
const times = [];
const s = { ...ts };
for (let i = 0; i < 200; i++) {
  if ((await token(b.url, s.clientId, s.secret)).status !== 200) throw new Error('B does not know the client');
  const regen = await a.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
  const old = s.secret;
  s.secret = regen.body.clientSecret;
  times.push(await timeUntil(async () => (await token(b.url, s.clientId, old)).status === 401, 5_000));
}

nginx?.kill('SIGTERM');
await team.stop();
await up.close();

// Scale.
const { sql } = require('../controlPlane/helpers/postgres.ts');
const { hashClientSecret } = require('../../src/controlPlane/idp/clientSecret.ts');
const big = await startTeam(0);
const id = (kind, n) => `md5('${kind}' || ${n})::uuid`;
const loadStarted = performance.now();
await sql(big.databaseUrl, `INSERT INTO organizations SELECT ${id('o', 'i')}, 'org-' || i, 'Org ' || i, 'org ' || i, now() FROM generate_series(1, 1000) i`);
await sql(big.databaseUrl, `INSERT INTO identity_providers (id, org_id, kind, name, name_key, description, environments, created_at)
  SELECT ${id('i', 'i')}, ${id('o', 'i')}, 'built-in', 'Choreo', 'choreo', '', '"all"', now() FROM generate_series(1, 1000) i`);
await sql(big.databaseUrl, `INSERT INTO projects SELECT ${id('p', 'i')}, ${id('o', 'i')}, 'org-' || i, 'default', 'Default', '', now() FROM generate_series(1, 1000) i`);
await sql(big.databaseUrl, `INSERT INTO components (id, org_id, org_handle, project_id, project_handle, name, display_name, description, type, created_at, updated_at)
  SELECT ${id('c', 'c')}, ${id('o', 'o')}, 'org-' || o, ${id('p', 'o')}, 'default', 'c-' || lpad(c::text, 7, '0'), 'C', '', 'external-consumer', now(), now()
  FROM generate_series(1, 1000000) c, LATERAL (SELECT (c - 1) / 1000 + 1 AS o) x`);
const SECRET = 'scale-secret';
await sql(big.databaseUrl, `INSERT INTO auth_configurations (id, org_id, org_handle, component_id, environment, identity_provider_id, kind, client_id, secret_hash, created_at, updated_at)
  SELECT ${id('a', 'o')}, ${id('o', 'o')}, 'org-' || o, ${id('c', '(o - 1) * 1000 + 1')}, 'development', ${id('i', 'o')}, 'built-in', 'client-' || o, $1, now(), now()
  FROM generate_series(1, 1000) o`, [hashClientSecret(SECRET)]);
await sql(big.databaseUrl, 'ANALYZE');
const loaded = performance.now() - loadStarted;
const readyStarted = performance.now();
const replica = await big.start();
const ready = performance.now() - readyStarted;
const pages = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  const res = await replica.call('GET', `${paths.components(`org-${1 + ((i * 37) % 1000)}`, 'default')}?limit=20`);
  if (res.status !== 200 || res.body.items.length !== 20) throw new Error(res.text);
  pages.push(performance.now() - started);
}
const cold = [];
for (let o = 1; o <= 200; o++) {
  const started = performance.now();
  const t = await fetch(`${replica.url}/oauth2/org-${o}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`client-${o}:${SECRET}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  await t.arrayBuffer();
  if (t.status !== 200) throw new Error(`cold token: ${t.status}`);
  cold.push(performance.now() - started);
}
const rssMb = Number(fs.readFileSync(`/proc/${replica.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
await big.stop();

console.log('');
console.log(`  ratio PostgreSQL 1 replica / file store: token endpoint ${(direct.tokens / file.tokens).toFixed(2)}, gateway ${(direct.gateway / file.gateway).toFixed(2)} (goal ≥ 0.9)`);
if (behind) console.log(`  3 replicas behind nginx / file store:    token endpoint ${(behind.tokens / file.tokens).toFixed(2)}, gateway ${(behind.gateway / file.gateway).toFixed(2)} (one 2-core machine runs nginx, 3 replicas, PostgreSQL and wrk)`);
console.log(`  propagation over ${times.length} revocations: p50 ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (goal < 100 ms, < 1 s)`);
console.log(`  durable management writes: PostgreSQL ${pgWrites.toFixed(0)}/s, file store ${fileWrites.toFixed(0)}/s, ratio ${(pgWrites / fileWrites).toFixed(2)}`);
console.log(`  scale, 1,000,000 components in 1,000 organizations (loaded in ${(loaded / 1000).toFixed(1)} s): replica ready in ${(ready / 1000).toFixed(2)} s (goal < 3 s), ${rssMb.toFixed(0)} MB resident after the calls below (goal < 300 MB)`);
console.log(`    a list page p50 ${quantile(pages, 0.5).toFixed(1)} ms (goal < 20 ms); a token for a client not yet cached p50 ${quantile(cold, 0.5).toFixed(1)} ms (goal < 10 ms)`);
process.exit(0);
