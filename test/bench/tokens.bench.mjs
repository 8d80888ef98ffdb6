// Tokens per second from the client_credentials grant: our built-in identity provider, beside (a) the raw ES256
// signing rate of node:crypto on one core (the ceiling) and (b) oidc-provider issuing ES256 JWT access tokens,
// under the same wrk load on loopback. Run: node test/bench/tokens.bench.mjs [seconds]
// Beside main's bundle (issue 24: the authorization server must leave this path as fast as it was): the same wrk load
// on both in alternating rounds, and the control plane's CPU time per token (BENCH_BASELINE_REVISION, default main;
// BENCH_BASELINE_BUNDLE=path uses a built bundle; BENCH_BASELINE=0 skips it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { api, controlPlaneBundle, startControlPlane, startProcess } from './tokens/controlPlane.mjs';
import { wrkTokens } from './tokens/wrk.mjs';
import { baselineBundle, cpuMs } from './tokens/baseline.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const tmp = mkdtempSync(join(tmpdir(), 'tokens-bench-'));
const children = [];

try {
  // (a) the ceiling
  const rawSign = Number(execFileSync(process.execPath, [join(here, 'tokens', 'rawSign.mjs'), String(Math.min(seconds, 5))], { encoding: 'utf8' }));

  // ours, and main's bundle beside it
  const seeded = async (bundle, name) => {
    const cp = await startControlPlane(bundle, join(tmp, name));
    children.push(cp.child);
    await api(cp, 'POST', '/api/v1/orgs', { name: 'Stark Industries' });
    await api(cp, 'POST', '/api/v1/orgs/stark-industries/projects/default/components', {
      displayName: 'Bench Consumer',
      name: 'bench-consumer',
      type: 'external-consumer',
    });
    const keys = await api(cp, 'POST', '/api/v1/orgs/stark-industries/projects/default/components/bench-consumer/auth/development/generate-keys');
    /** Tokens/s and the control plane's CPU µs per token over one wrk run. */
    const run = (s) => {
      const before = cpuMs(cp.child.pid);
      const rate = wrkTokens(keys.authConfiguration.tokenUrl, keys.authConfiguration.clientId, keys.clientSecret, { seconds: s, connections });
      return { rate, cpuUs: ((cpuMs(cp.child.pid) - before) * 1000) / (rate * s) };
    };
    return { cp, run };
  };
  const mine = await seeded(await controlPlaneBundle(), 'data');
  const base = process.env.BENCH_BASELINE === '0' ? undefined : await seeded(await baselineBundle(), 'baseline-data');
  const rounds = base ? 3 : 1;
  const roundSeconds = base ? Math.max(3, Math.round(seconds / 2)) : seconds;
  const oursRuns = [];
  const baseRuns = [];
  for (let i = 0; i < rounds; i++) {
    oursRuns.push(mine.run(roundSeconds));
    if (base) baseRuns.push(base.run(roundSeconds));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ours = Math.max(...oursRuns.map((r) => r.rate));
  mine.cp.child.kill('SIGTERM');
  base?.cp.child.kill('SIGTERM');

  // (b) oidc-provider
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const op = await startProcess(process.execPath, [join(here, 'tokens', 'oidcProvider.mjs')], /^listening (\S+)$/m, {
    CLIENT_ID: clientId,
    CLIENT_SECRET: clientSecret,
    NODE_ENV: 'production',
  });
  children.push(op.child);
  const oidcProvider = wrkTokens(`${op.url}/token`, clientId, clientSecret, { seconds, connections });
  op.child.kill('SIGTERM');

  const f = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`client_credentials tokens/s (wrk, ${connections} connections, ${seconds} s each, loopback):`);
  console.log(`  built-in identity provider : ${f(ours)}`);
  console.log(`  oidc-provider 9 (JWT, ES256): ${f(oidcProvider)}`);
  console.log(`  raw ES256 signing, 1 core  : ${f(rawSign)}`);
  console.log(`ratio ours / oidc-provider   : ${(ours / oidcProvider).toFixed(2)} (goal >= 2.5)`);
  console.log(`ratio ours / raw signing     : ${(ours / rawSign).toFixed(2)}`);
  const oursCpu = median(oursRuns.map((r) => r.cpuUs));
  console.log(`  CPU per token, this tree   : ${oursCpu.toFixed(1)} µs (median of ${rounds} rounds of ${roundSeconds} s)`);
  let withinBaseline = true;
  if (base) {
    const baseCpu = median(baseRuns.map((r) => r.cpuUs));
    console.log(`  CPU per token, main's bundle: ${baseCpu.toFixed(1)} µs; tokens/s ${f(Math.max(...baseRuns.map((r) => r.rate)))}`);
    console.log(`ratio CPU per token this / main: ${(oursCpu / baseCpu).toFixed(3)} (goal <= 1.05)`);
    withinBaseline = oursCpu / baseCpu <= 1.05;
  }
  process.exitCode = ours / oidcProvider >= 2.5 && withinBaseline ? 0 : 1;
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
