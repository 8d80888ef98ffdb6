// The built-in identity provider signing people in (issue 24): authorizations with a live session, authorization
// code exchanges and refresh token rotations per second, 16 at a time over loopback, with the server's CPU per
// operation; beside a bare oidc-provider 9 (in-memory adapter, the same PKCE public client), which shows what our
// durable, replica-shared records cost. Run: node test/bench/signIn.bench.mjs [seconds]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, controlPlaneBundle, startControlPlane, startProcess } from './tokens/controlPlane.mjs';
import { cpuMs } from './tokens/baseline.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const concurrency = 16;
const tmp = mkdtempSync(join(tmpdir(), 'sign-in-bench-'));
const CALLBACK = 'https://app.example.com/callback';
const children = [];
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

/** A browser's cookies and a request that keeps them and follows nothing. */
function browser() {
  const jar = new Map();
  const request = async (url, init = {}) => {
    const r = await fetch(url, { redirect: 'manual', ...init, headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...init.headers } });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return r;
  };
  return { request };
}

const hidden = (html) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
const post = (b, url, form) =>
  b.request(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** Signs in through the provider's pages (ours: the sign-in form; oidc-provider: its login and consent), leaving the
 * session in the browser; answers a function that gets one code with that session. */
async function signedIn(authorizeUrl, credentials) {
  const b = browser();
  let r = await b.request(authorizeUrl);
  for (let i = 0; i < 10; i++) {
    if (r.status === 200) {
      const html = await r.text();
      const action = new URL(html.match(/<form[^>]*action="([^"]+)"/)[1], authorizeUrl).href;
      r = await post(b, action, { ...hidden(html), ...(/name="(login|username)"/.test(html) ? credentials(html) : {}) });
    } else if (r.status >= 300 && r.status < 400) {
      const location = new URL(r.headers.get('location'), authorizeUrl).href;
      if (location.startsWith(CALLBACK)) break;
      r = await b.request(location);
    } else throw new Error(`sign-in: ${r.status} ${await r.text()}`);
  }
  return async () => {
    const answer = await b.request(authorizeUrl);
    const code = new URL(answer.headers.get('location') ?? 'x:', CALLBACK).searchParams.get('code');
    if (!code) throw new Error(`no code: ${answer.status} ${answer.headers.get('location')}`);
    return code;
  };
}

async function measure(name, pid, authorizeUrl, tokenUrl, clientId, credentials) {
  const code = await signedIn(authorizeUrl, credentials);
  const token = async (form) => {
    const r = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, ...form }),
    });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`${name} token: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  const exchange = async (c) => token({ grant_type: 'authorization_code', code: c, code_verifier: verifier, redirect_uri: CALLBACK });
  /** Runs `work` `concurrency` at a time for `seconds`: operations per second and CPU µs per operation. */
  async function rate(work) {
    const cpu0 = cpuMs(pid);
    const started = performance.now();
    const until = started + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        while (performance.now() < until) {
          await work(lane);
          done++;
        }
      }),
    );
    return { perSec: done / ((performance.now() - started) / 1000), cpuUs: ((cpuMs(pid) - cpu0) * 1000) / done };
  }
  const codes = [];
  const authorizations = await rate(async () => codes.push(await code()));
  const exchanges = await rate(async () => exchange(codes.pop() ?? (await code())));
  const chains = await Promise.all(Array.from({ length: concurrency }, async () => (await exchange(await code())).refresh_token));
  const refreshes = await rate(async (lane) => {
    chains[lane] = (await token({ grant_type: 'refresh_token', refresh_token: chains[lane] })).refresh_token;
  });
  return { name, authorizations, exchanges, refreshes };
}

try {
  // ours
  const cp = await startControlPlane(await controlPlaneBundle(), join(tmp, 'data'));
  children.push(cp.child);
  const org = 'stark-industries';
  await api(cp, 'POST', '/api/v1/orgs', { name: 'Stark Industries' });
  await api(cp, 'POST', `/api/v1/orgs/${org}/environments/development/users`, { username: 'ann', password: 'correct horse battery' });
  await api(cp, 'POST', `/api/v1/orgs/${org}/projects/default/components`, { displayName: 'Web', name: 'web', type: 'external-consumer' });
  const auth = `/api/v1/orgs/${org}/projects/default/components/web/auth/development`;
  const keys = await api(cp, 'POST', `${auth}/generate-keys`);
  const clientId = keys.authConfiguration.clientId;
  await api(cp, 'PUT', `${auth}/key-settings`, {
    ...keys.authConfiguration.keySettings,
    grantTypes: ['authorization_code', 'refresh_token'],
    callbackUrls: [CALLBACK],
    publicClient: true,
  });
  const query = (id) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: id,
      redirect_uri: CALLBACK,
      scope: 'openid profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
  const issuer = `${cp.url}/oauth2/${org}`;
  const ours = await measure('built-in identity provider', cp.child.pid, `${issuer}/authorize?${query(clientId)}`, `${issuer}/token`, clientId, () => ({
    username: 'ann',
    password: 'correct horse battery',
  }));
  cp.child.kill('SIGTERM');

  // bare oidc-provider
  const op = await startProcess(process.execPath, [join(here, 'tokens', 'oidcProviderCode.mjs')], /^listening (\S+)$/m, {
    CLIENT_ID: 'web',
    CALLBACK,
    NODE_ENV: 'production',
  });
  children.push(op.child);
  const bare = await measure('oidc-provider 9, in memory', op.child.pid, `${op.url}/auth?${query('web')}`, `${op.url}/token`, 'web', () => ({
    login: 'ann',
    password: 'x',
  }));
  op.child.kill('SIGTERM');

  const f = (r) => `${Math.round(r.perSec).toLocaleString('en-US').padStart(6)}/s ${`${r.cpuUs.toFixed(0)} µs`.padStart(9)}`;
  console.log(`people signing in (${concurrency} at a time, ${seconds} s each, loopback; rate and server CPU per operation):`);
  console.log(`${''.padEnd(28)} ${'authorizations'.padStart(17)} ${'code exchanges'.padStart(17)} ${'refreshes'.padStart(17)}`);
  for (const r of [ours, bare]) console.log(`${r.name.padEnd(28)} ${f(r.authorizations)} ${f(r.exchanges)} ${f(r.refreshes)}`);
  console.log(
    `ours / oidc-provider: exchanges ${(ours.exchanges.perSec / bare.exchanges.perSec).toFixed(2)}, refreshes ${(ours.refreshes.perSec / bare.refreshes.perSec).toFixed(2)}`,
  );
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
