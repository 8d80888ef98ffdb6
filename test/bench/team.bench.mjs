// `npm run bench -- team`: the team control plane on PostgreSQL against the file store, in one run.
//   - token endpoint and gateway (wrk): file store, 1 PostgreSQL replica direct, 3 replicas behind nginx (goal ≥ 0.9
//     of the file store per replica);
//   - propagation of 200 revocations (Regenerate Secret on A → first refusal on B): p50, p99 (goal < 100 ms, < 1 s);
//   - durable management writes/s (creates, 16 at a time), PostgreSQL vs file store.
//   - scale: 1,000,000 components in 1,000 organizations (the components loaded with COPY … FROM STDIN through
//     psql): replica ready, resident memory, a list page, a cold client's token.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { once } from 'node:events';
import { createRequire } from 'node:module';
// The TypeScript test helpers, loaded as CommonJS (as tokens/controlPlane.mjs does) so that __dirname is theirs.
const require = createRequire(import.meta.url);
const { paths } = require('../../src/api/routes.ts');
const { ControlPlane, tempDir } = require('../controlPlane/helpers/controlPlane.ts');
const { seed, startTeam, timeUntil, token, upstream, ORG, PROJECT } = require('../controlPlane/helpers/team.ts');
const { NGINX, nginxFront, startTeamBehindNginx } = require('../controlPlane/helpers/nginx.ts');
const { binary, sql } = require('../controlPlane/helpers/postgres.ts');
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

/** CPU seconds (user + system) these processes have used so far (/proc/PID/stat, in clock ticks of 10 ms). */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/**
 * Token endpoint and gateway throughput, and where the CPU went during the gateway run: cores used by each part
 * (`parts`: name → its processes' pids; the upstream service is this process), the rest (wrk, the machine's other
 * work) out of the machine's cores, and the replicas' CPU per call, a figure of the replica's own cost.
 */
async function hotPaths(label, baseUrl, s, parts) {
  const t = await token(baseUrl, s.clientId, s.secret);
  const tokens = wrkTokens(`${baseUrl}/oauth2/${ORG}/token`, s.clientId, s.secret, { seconds: SECONDS });
  const all = { ...parts, upstream: () => [process.pid] };
  const before = Object.fromEntries(Object.entries(all).map(([name, pids]) => [name, cpuSeconds(pids())]));
  const started = performance.now();
  const gateway = await wrkGet(`${baseUrl}/gw/${ORG}/${PROJECT}/${s.service}/api/development/hello`, t.accessToken);
  const wall = (performance.now() - started) / 1000;
  const cores = Object.fromEntries(Object.entries(all).map(([name, pids]) => [name, (cpuSeconds(pids()) - before[name]) / wall]));
  const rest = os.availableParallelism() - Object.values(cores).reduce((x, y) => x + y, 0);
  const replicaMsPerCall = (cores.replicas * 1000) / gateway;
  console.log(`  ${label.padEnd(34)} token endpoint ${tokens.toFixed(0).padStart(6)}/s   gateway ${gateway.toFixed(0).padStart(6)}/s`);
  console.log(
    `    gateway run, cores used of ${os.availableParallelism()}: ${Object.entries(cores)
      .map(([n, c]) => `${n} ${c.toFixed(2)}`)
      .join(', ')}, ` + `rest (wrk, idle, others) ${rest.toFixed(2)}; replica CPU per call ${(replicaMsPerCall * 1000).toFixed(0)} µs`,
  );
  return { tokens, gateway, replicaMsPerCall };
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

/** The same ids as `id()` in SQL: md5 of kind and number, as a UUID. */
const uuidOf = (kind, n) =>
  createHash('md5')
    .update(`${kind}${n}`)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** `count` components, `perOrg` to each organization's default project, streamed to COPY … FROM STDIN (psql). */
async function copyComponents(databaseUrl, count, perOrg) {
  const psql = spawn(
    binary('psql'),
    [
      '--quiet',
      '--no-psqlrc',
      '-v',
      'ON_ERROR_STOP=1',
      '--dbname',
      databaseUrl,
      '-c',
      'COPY components (id, org_id, org_handle, project_id, project_handle, name, display_name, description, type, created_at, updated_at) FROM STDIN',
    ],
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  const exited = once(psql, 'exit');
  const now = new Date().toISOString();
  let lines = [];
  for (let c = 1; c <= count; c++) {
    const o = Math.floor((c - 1) / perOrg) + 1;
    lines.push(
      `${uuidOf('c', c)}\t${uuidOf('o', o)}\torg-${o}\t${uuidOf('p', o)}\tdefault\tc-${String(c).padStart(7, '0')}\tC\t\texternal-consumer\t${now}\t${now}\n`,
    );
    if (lines.length === 10_000 || c === count) {
      if (!psql.stdin.write(lines.join(''))) await once(psql.stdin, 'drain');
      lines = [];
    }
  }
  psql.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`psql COPY failed (${code})`);
}

const up = await upstream('bench');
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

// File store.
const local = await ControlPlane.start(tempDir());
const ls = await seed(local, up.url);
const file = await hotPaths('file store', local.url, ls, { replicas: () => [local.child.pid] });
const fileWrites = await writesPerSecond(local, 'w');
await local.stop();

// The file store behind the same nginx: what nginx costs on this machine, with the data folder's one process.
let fileBehind;
if (NGINX) {
  const fileFront = await nginxFront({ tls: false });
  const behindFile = await ControlPlane.startBehind(fileFront.url, tempDir());
  const fileNginx = await fileFront.start([new URL(behindFile.url).host]);
  fileBehind = await hotPaths('file store behind nginx', fileFront.url, await seed(behindFile, up.url), {
    replicas: () => [behindFile.child.pid],
    nginx: fileNginx.pids,
  });
  fileNginx.stop();
  await behindFile.stop();
}

// PostgreSQL: three replicas behind nginx (plain HTTP on loopback: the figures are of the replicas, not of TLS);
// first one of them direct, then all three through nginx.
const front = NGINX ? await startTeamBehindNginx(3, [], { tls: false }) : undefined;
if (!front) console.log('  (nginx is not installed: no figures behind nginx)');
const team = front?.team ?? (await startTeam(3));
const [a, b] = team.replicas;
const ts = await seed(a, up.url);
const postgres = () => team.cluster.pids();
const direct = await hotPaths('PostgreSQL, 1 replica direct', a.url, ts, { replicas: () => [a.child.pid], PostgreSQL: postgres });
// One of them alone behind another nginx: nginx's cost without the load split three ways.
let oneBehind;
if (front) {
  const oneFront = await nginxFront({ tls: false });
  const oneNginx = await oneFront.start([new URL(a.url).host]);
  oneBehind = await hotPaths('PostgreSQL, 1 replica behind nginx', oneFront.url, ts, {
    replicas: () => [a.child.pid],
    nginx: oneNginx.pids,
    PostgreSQL: postgres,
  });
  oneNginx.stop();
}
const behind =
  front &&
  (await hotPaths('PostgreSQL, 3 replicas behind nginx', front.url, ts, {
    replicas: () => team.replicas.map((r) => r.child.pid),
    nginx: front.nginx.pids,
    PostgreSQL: postgres,
  }));

// Write transactions per WAL flush: 1 when each commit waits for the one before it to be on disk; more when
// concurrent commits share a flush (PostgreSQL's group commit). A figure of the design, less of the machine's load.
const walProbe = async () => {
  const [w] = await sql(team.databaseUrl, 'SELECT wal_sync FROM pg_stat_wal');
  const [c] = await sql(team.databaseUrl, 'SELECT count(*) AS n FROM change_log');
  return { syncs: Number(w.wal_sync), commits: Number(c.n) };
};
const wal0 = await walProbe();
const pgWrites = await writesPerSecond(a, 'w');
const wal1 = await walProbe();
const commitsPerSync = (wal1.commits - wal0.commits) / (wal1.syncs - wal0.syncs);

// Propagation: 200 revocations through A, each timed to the first refusal on B.
const times = [];
const s = { ...ts };
for (let i = 0; i < 200; i++) {
  if ((await token(b.url, s.clientId, s.secret)).status !== 200) throw new Error('B does not know the client');
  const regen = await a.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
  const old = s.secret;
  s.secret = regen.body.clientSecret;
  // Refused: 401, or 429 once the client's failures close it to wrong secrets (only a wrong secret gets a 429).
  times.push(await timeUntil(async () => [401, 429].includes((await token(b.url, s.clientId, old)).status), 5_000));
}

await (front ?? team).stop();
await up.close();

// Scale.
const { hashClientSecret } = require('../../src/controlPlane/idp/clientSecret.ts');
const big = await startTeam(0);
const id = (kind, n) => `md5('${kind}' || ${n})::uuid`;
const loadStarted = performance.now();
await sql(big.databaseUrl, `INSERT INTO organizations SELECT ${id('o', 'i')}, 'org-' || i, 'Org ' || i, 'org ' || i, now() FROM generate_series(1, 1000) i`);
await sql(
  big.databaseUrl,
  `INSERT INTO identity_providers (id, org_id, kind, name, name_key, description, environments, created_at)
  SELECT ${id('i', 'i')}, ${id('o', 'i')}, 'built-in', 'Choreo', 'choreo', '', '"all"', now() FROM generate_series(1, 1000) i`,
);
await sql(
  big.databaseUrl,
  `INSERT INTO projects SELECT ${id('p', 'i')}, ${id('o', 'i')}, 'org-' || i, 'default', 'Default', '', now() FROM generate_series(1, 1000) i`,
);
await copyComponents(big.databaseUrl, 1_000_000, 1_000);
const SECRET = 'scale-secret';
await sql(
  big.databaseUrl,
  `INSERT INTO auth_configurations (id, org_id, org_handle, component_id, environment, identity_provider_id, kind, client_id, secret_hash, created_at, updated_at)
  SELECT ${id('a', 'o')}, ${id('o', 'o')}, 'org-' || o, ${id('c', '(o - 1) * 1000 + 1')}, 'development', ${id('i', 'o')}, 'built-in', 'client-' || o, $1, now(), now()
  FROM generate_series(1, 1000) o`,
  [hashClientSecret(SECRET)],
);
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
console.log(
  `  ratio PostgreSQL 1 replica / file store: token endpoint ${(direct.tokens / file.tokens).toFixed(2)}, gateway ${(direct.gateway / file.gateway).toFixed(2)} (goal ≥ 0.9)`,
);
if (behind)
  console.log(
    `  3 replicas behind nginx / file store:    token endpoint ${(behind.tokens / file.tokens).toFixed(2)}, gateway ${(behind.gateway / file.gateway).toFixed(2)} (one ${os.availableParallelism()}-core machine runs nginx, 3 replicas, PostgreSQL and wrk)`,
  );
if (oneBehind && fileBehind)
  console.log(
    `  behind nginx, 1 PostgreSQL replica / file store: token endpoint ${(oneBehind.tokens / fileBehind.tokens).toFixed(2)}, gateway ${(oneBehind.gateway / fileBehind.gateway).toFixed(2)}`,
  );
if (behind && fileBehind)
  console.log(
    `  behind the same nginx, 3 PostgreSQL replicas / 1 file store: token endpoint ${(behind.tokens / fileBehind.tokens).toFixed(2)}, gateway ${(behind.gateway / fileBehind.gateway).toFixed(2)}`,
  );
// What the replica costs per gateway call, whatever else shares the machine: file store / PostgreSQL (≥ 0.9 is the goal).
console.log(
  `  gateway calls per replica CPU second, PostgreSQL / file store: 1 replica direct ${(file.replicaMsPerCall / direct.replicaMsPerCall).toFixed(2)}` +
    (behind ? `, 3 replicas behind nginx ${(file.replicaMsPerCall / behind.replicaMsPerCall).toFixed(2)}` : '') +
    (oneBehind && fileBehind
      ? `, each behind nginx: 1 replica ${(fileBehind.replicaMsPerCall / oneBehind.replicaMsPerCall).toFixed(2)}, 3 replicas ${(fileBehind.replicaMsPerCall / behind.replicaMsPerCall).toFixed(2)}`
      : ''),
);
console.log(
  `  propagation over ${times.length} revocations: p50 ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (goal < 100 ms, < 1 s)`,
);
console.log(
  `  durable management writes: PostgreSQL ${pgWrites.toFixed(0)}/s, file store ${fileWrites.toFixed(0)}/s, ratio ${(pgWrites / fileWrites).toFixed(2)}; ${commitsPerSync.toFixed(2)} write commits per WAL flush`,
);
console.log(
  `  scale, 1,000,000 components in 1,000 organizations (loaded in ${(loaded / 1000).toFixed(1)} s): replica ready in ${(ready / 1000).toFixed(2)} s (goal < 3 s), ${rssMb.toFixed(0)} MB resident after the calls below (goal < 300 MB)`,
);
console.log(
  `    a list page p50 ${quantile(pages, 0.5).toFixed(1)} ms (goal < 20 ms); a token for a client not yet cached p50 ${quantile(cold, 0.5).toFixed(1)} ms (goal < 10 ms)`,
);
process.exit(0);
