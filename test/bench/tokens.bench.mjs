// Tokens per second from the client_credentials grant: our built-in identity provider, beside (a) the raw ES256
// signing rate of node:crypto on one core (the ceiling) and (b) oidc-provider issuing ES256 JWT access tokens,
// under the same wrk load on loopback. Run: node test/bench/tokens.bench.mjs [seconds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { api, controlPlaneBundle, startControlPlane, startProcess } from './tokens/controlPlane.mjs';
import { wrkTokens } from './tokens/wrk.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const tmp = mkdtempSync(join(tmpdir(), 'tokens-bench-'));
const children = [];

try {
  // (a) the ceiling
  const rawSign = Number(execFileSync(process.execPath, [join(here, 'tokens', 'rawSign.mjs'), String(Math.min(seconds, 5))], { encoding: 'utf8' }));

  // ours
  const bundle = await controlPlaneBundle();
  const cp = await startControlPlane(bundle, join(tmp, 'data'));
  children.push(cp.child);
  await api(cp, 'POST', '/api/v1/orgs', { name: 'Stark Industries' });
  await api(cp, 'POST', '/api/v1/orgs/stark-industries/projects/default/components', {
    displayName: 'Bench Consumer',
    name: 'bench-consumer',
    type: 'external-consumer',
  });
  const keys = await api(cp, 'POST', '/api/v1/orgs/stark-industries/projects/default/components/bench-consumer/auth/development/generate-keys');
  const ours = wrkTokens(keys.authConfiguration.tokenUrl, keys.authConfiguration.clientId, keys.clientSecret, { seconds, connections });
  cp.child.kill('SIGTERM');

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
  process.exitCode = ours / oidcProvider >= 2.5 ? 0 : 1;
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
