// The built-in identity provider signing people in (issue 24): authorization code exchanges and refresh token
// rotations per second on one control plane process (file store), 16 at a time over loopback, and the control
// plane's CPU per exchange. Codes come from /authorize with a live session (no page), made before the clock starts.
// Run: node test/bench/signIn.bench.mjs [seconds]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, controlPlaneBundle, startControlPlane } from './tokens/controlPlane.mjs';
import { cpuMs } from './tokens/baseline.mjs';

const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const concurrency = 16;
const tmp = mkdtempSync(join(tmpdir(), 'sign-in-bench-'));
const CALLBACK = 'https://app.example.com/callback';
let cp;

try {
  cp = await startControlPlane(await controlPlaneBundle(), join(tmp, 'data'));
  const org = 'stark-industries';
  await api(cp, 'POST', '/api/v1/orgs', { name: 'Stark Industries' });
  await api(cp, 'POST', `/api/v1/orgs/${org}/environments/development/users`, { username: 'ann', password: 'correct horse battery' });
  await api(cp, 'POST', `/api/v1/orgs/${org}/projects/default/components`, { displayName: 'Web', name: 'web', type: 'external-consumer' });
  const auth = `/api/v1/orgs/${org}/projects/default/components/web/auth/development`;
  const keys = await api(cp, 'POST', `${auth}/generate-keys`);
  const clientId = keys.authConfiguration.clientId;
  const settings = keys.authConfiguration.keySettings;
  await api(cp, 'PUT', `${auth}/key-settings`, { ...settings, grantTypes: ['authorization_code', 'refresh_token'], callbackUrls: [CALLBACK], publicClient: true });
  const issuer = `${cp.url}/oauth2/${org}`;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = `${issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: challenge, code_challenge_method: 'S256' })}`;

  // Sign in once; the session cookie then gets codes without the page.
  const page = await fetch(authorize);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const html = await page.text();
  const field = (name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))[1];
  const signedIn = await fetch(`${issuer}/authorize`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ interaction: field('interaction'), csrf: field('csrf'), username: 'ann', password: 'correct horse battery' }),
  });
  const session = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('choreo_session='));
  const code = async () => {
    const r = await fetch(authorize, { redirect: 'manual', headers: { cookie: session } });
    return new URL(r.headers.get('location')).searchParams.get('code');
  };
  const token = async (form) => {
    const r = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: clientId, ...form }) });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };

  /** Runs `work` `concurrency` at a time for `seconds`; answers operations per second and CPU µs per operation. */
  async function rate(work) {
    const cpu0 = cpuMs(cp.child.pid);
    const started = performance.now();
    const until = started + seconds * 1000;
    let done = 0;
    await Promise.all(Array.from({ length: concurrency }, async (_, lane) => {
      while (performance.now() < until) {
        await work(lane);
        done++;
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    return { perSec: done / elapsed, cpuUs: ((cpuMs(cp.child.pid) - cpu0) * 1000) / done };
  }

  // Authorizations with a session (a code each): also what makes the codes for the exchange below.
  const codes = [];
  const authorizations = await rate(async () => codes.push(await code()));
  const exchanges = await rate(async () => {
    const c = codes.pop() ?? (await code());
    await token({ grant_type: 'authorization_code', code: c, code_verifier: verifier, redirect_uri: CALLBACK });
  });
  const chains = await Promise.all(Array.from({ length: concurrency }, async () => (await token({ grant_type: 'authorization_code', code: await code(), code_verifier: verifier, redirect_uri: CALLBACK })).refresh_token));
  const refreshes = await rate(async (lane) => {
    chains[lane] = (await token({ grant_type: 'refresh_token', refresh_token: chains[lane] })).refresh_token;
  });

  const f = (r) => `${Math.round(r.perSec).toLocaleString('en-US').padStart(6)} /s   CPU ${r.cpuUs.toFixed(0).padStart(5)} µs each`;
  console.log(`built-in identity provider, people signing in (${concurrency} at a time, ${seconds} s each, file store, loopback):`);
  console.log(`  authorizations with a session (code issued) : ${f(authorizations)}`);
  console.log(`  code exchanges (PKCE, ID + access + refresh): ${f(exchanges)}`);
  console.log(`  refresh token rotations                     : ${f(refreshes)}`);
} finally {
  cp?.child.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
