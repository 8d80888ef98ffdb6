/**
 * Issue 24 item 4: the gateway for browser apps and for services that want to know who called. The control plane
 * as its own process, a loopback upstream that records what it gets (and answers CORS headers of its own, which the
 * gateway must not pass on), real tokens of the built-in provider, a user token minted with the organization's
 * signing key as the authorization server mints them (RFC 9068), jose to verify each X-JWT-Assertion with the JWKS.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { gatewayAudience, gatewayUrl, issuerUrl, paths, tokenUrl } from '../../../src/api/routes';
import { DEFAULT_CORS } from '../../../src/api/cors';
import { DEFAULT_KEY_SETTINGS } from '../../../src/api/keySettings';
import { coreCollections, type AuthConfigRecord } from '../../../src/controlPlane/domain/records';
import { modules } from '../../../src/controlPlane/routes';
import { FileStore } from '../../../src/controlPlane/store/fileStore';
import { builtInAccessToken, ControlPlane, freePort, tempDir } from '../helpers/controlPlane';

const jose = () => import('jose');

const ORG = 'stark-industries';
const PROJECT = 'default';
const APP_ORIGIN = 'https://app.stark.test';
const OTHER_ORIGIN = 'https://evil.example';
const STRICT_CORS = {
  allowOrigins: [APP_ORIGIN],
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['authorization', 'X-Trace'],
  allowCredentials: true,
  maxAge: 120,
};

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string[];
  text: string;
  body: any;
}

/** One request with exactly these headers (node:http; fetch would add its own). */
function request(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A GET with exactly these header lines, over a raw socket; answers the response head. */
function rawGet(target: string, lines: string[]): Promise<string> {
  const u = new URL(target);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => {
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`);
    });
    let got = '';
    socket.setEncoding('latin1').on('data', (d) => (got += d));
    socket.on('end', () => resolve(got.split('\r\n\r\n')[0]));
    socket.on('error', reject);
  });
}

/** The response headers that say something (not the date and connection handling), lower-cased, in a stable order. */
const meaningful = (a: Answer) =>
  Object.entries(a.headers)
    .filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k))
    .sort(([x], [y]) => x.localeCompare(y));

/** A loopback service that records each call's raw headers and answers with CORS headers of its own. */
async function recordingUpstream() {
  const calls: { rawHeaders: string[]; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    calls.push({ rawHeaders: req.rawHeaders, headers: req.headers });
    req.resume().on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        vary: 'Accept',
      });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('issue 24 item 4: the gateway for browser apps and the X-JWT-Assertion', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
  let port: number;
  const dataDir = tempDir();
  let clientId: string;
  let secret: string;
  let token: string;
  const url = (endpoint: string, rest = '/orders') => `${gatewayUrl(cp.url, ORG, PROJECT, 'orders', endpoint, 'development')}${rest}`;
  const preflight = (target: string, origin: string, method = 'GET') =>
    request('OPTIONS', target, { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' });

  async function ok(method: string, apiPath: string, body?: unknown) {
    const res = await cp.call(method, apiPath, body);
    assert.ok([200, 201, 204].includes(res.status), `${method} ${apiPath} → ${res.status} ${res.text}`);
    return res.body;
  }

  before(async () => {
    upstream = await recordingUpstream();
    port = await freePort();
    cp = await ControlPlane.start(dataDir, ['--port', String(port)]);
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    await ok('POST', paths.components(ORG, PROJECT), {
      displayName: 'Orders',
      name: 'orders',
      type: 'service',
      endpoints: [
        { name: 'open', visibility: 'Organization', upstreamUrls: { development: upstream.url } },
        { name: 'strict', visibility: 'Organization', upstreamUrls: { development: upstream.url }, cors: STRICT_CORS },
      ],
    });
    await ok('POST', paths.components(ORG, PROJECT), { displayName: 'Stark Web App', name: 'web-app', type: 'external-consumer' });
    const issued = await ok('POST', `${paths.authFor(ORG, PROJECT, 'web-app', 'development')}/generate-keys`);
    clientId = issued.authConfiguration.clientId;
    secret = issued.clientSecret;
    for (const endpointName of ['open', 'strict']) {
      await ok('POST', paths.connections(ORG, PROJECT, 'web-app'), { name: `Orders ${endpointName}`, serviceComponentName: 'orders', endpointName });
    }
    token = await builtInAccessToken(cp.url, ORG, clientId, secret);
  });
  after(async () => {
    await cp?.stop();
    await upstream?.close();
  });

  describe('CORS at the gateway', () => {
    it('answers a browser preflight before any token: 204 with the default setting, and nothing reaches the upstream', async () => {
      const before = upstream.calls.length;
      const res = await preflight(url('open'), 'https://anyone.example');
      assert.equal(res.status, 204, res.text);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['access-control-allow-methods'], DEFAULT_CORS.allowMethods.join(', '));
      assert.match(String(res.headers['access-control-allow-headers']), /\bauthorization\b/);
      assert.equal(res.headers['access-control-max-age'], String(DEFAULT_CORS.maxAge));
      assert.equal(res.headers['access-control-allow-credentials'], undefined, 'no credentials by default');
      assert.equal(res.headers['www-authenticate'], undefined, 'no token was asked for');
      assert.equal(upstream.calls.length, before);
    });

    it("an endpoint's own setting: its origin gets it with credentials; another origin gets no Access-Control-Allow-Origin and no word of the allowed ones", async () => {
      const allowed = await preflight(url('strict'), APP_ORIGIN, 'POST');
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
      assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
      assert.equal(allowed.headers['access-control-allow-methods'], 'GET, POST');
      assert.equal(allowed.headers['access-control-allow-headers'], 'authorization, X-Trace');
      assert.equal(allowed.headers['access-control-max-age'], '120');
      assert.match(String(allowed.headers.vary), /Origin/);

      const refused = await preflight(url('strict'), OTHER_ORIGIN);
      assert.equal(refused.status, 204);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
      assert.ok(!refused.raw.some((h) => h.includes('stark.test')), `the answer names no allowed origin: ${refused.raw.join(' | ')}`);
      assert.ok(!refused.raw.some((h) => /^access-control-/i.test(h)), `no CORS header at all: ${refused.raw.join(' | ')}`);
    });

    it('a preflight to a path that names no endpoint gets the same answer as an endpoint with the default setting', async () => {
      const origin = 'https://somewhere.example';
      const known = meaningful(await preflight(url('open'), origin));
      for (const unknown of [
        `${cp.url}/gw/${ORG}/${PROJECT}/orders/no-such-endpoint/development/x`,
        `${cp.url}/gw/${ORG}/${PROJECT}/no-such-service/api/development`,
        `${cp.url}/gw/no-such-org/p/s/e/production/x`,
        `${cp.url}/gw/${ORG}/${PROJECT}/ord%65rs/strict/development`, // left to the router: the same answer through it
      ]) {
        const res = await preflight(unknown, origin);
        if (unknown.includes('%65')) {
          // The router's path decodes to the strict endpoint: its own setting, which does not admit this origin.
          assert.equal(res.headers['access-control-allow-origin'], undefined);
          continue;
        }
        assert.deepEqual(meaningful(res), known, unknown);
      }
    });

    it("actual answers carry the endpoint's headers (Vary: Origin when not *); the upstream's own CORS headers never reach the browser", async () => {
      const allowed = await request('GET', url('strict'), { origin: APP_ORIGIN, authorization: `Bearer ${token}` });
      assert.equal(allowed.status, 200, allowed.text);
      const acao = allowed.raw.filter((_, i) => i % 2 === 0 && allowed.raw[i].toLowerCase() === 'access-control-allow-origin');
      assert.equal(acao.length, 1, `one Access-Control-Allow-Origin: ${allowed.raw.join(' | ')}`);
      assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
      assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
      assert.match(String(allowed.headers.vary), /Origin/);
      assert.match(String(allowed.headers.vary), /Accept/, "the upstream's own Vary stays");

      const other = await request('GET', url('strict'), { origin: OTHER_ORIGIN, authorization: `Bearer ${token}` });
      assert.equal(other.status, 200, 'the call is judged as any other; only the browser keeps the answer from the page');
      assert.equal(other.headers['access-control-allow-origin'], undefined, 'not the upstream\'s "*" either');
      assert.equal(other.headers['access-control-allow-credentials'], undefined);

      const open = await request('GET', url('open'), { origin: OTHER_ORIGIN, authorization: `Bearer ${token}` });
      assert.equal(open.headers['access-control-allow-origin'], '*');

      // A refusal from an allowed origin can be read by the page (to sign in again, say).
      const noToken = await request('GET', url('strict'), { origin: APP_ORIGIN });
      assert.equal(noToken.status, 401);
      assert.equal(noToken.headers['access-control-allow-origin'], APP_ORIGIN);

      // Without an Origin (a server's call) no CORS header is added, and the upstream's are dropped all the same.
      const server = await request('GET', url('open'), { authorization: `Bearer ${token}` });
      assert.equal(server.headers['access-control-allow-origin'], undefined);
    });
  });

  describe('CORS setting through the API', () => {
    const endpointPath = () => paths.endpoint(ORG, PROJECT, 'orders', 'open');
    it('round trip: set, read back, back to the default with null', async () => {
      const setting = {
        allowOrigins: ['http://localhost:3000', APP_ORIGIN],
        allowMethods: ['GET'],
        allowHeaders: ['authorization'],
        allowCredentials: true,
        maxAge: 60,
      };
      const saved = await ok('PATCH', endpointPath(), { cors: setting });
      assert.deepEqual(saved.endpoints.find((e: { name: string }) => e.name === 'open').cors, setting);
      const read = await ok('GET', paths.component(ORG, PROJECT, 'orders'));
      assert.deepEqual(read.endpoints.find((e: { name: string }) => e.name === 'open').cors, setting);
      const upstreamKept = read.endpoints.find((e: { name: string }) => e.name === 'open').upstreamUrls.development;
      assert.equal(upstreamKept, upstream.url, 'the upstream URL is untouched');
      const reset = await ok('PATCH', endpointPath(), { cors: null });
      assert.deepEqual(reset.endpoints.find((e: { name: string }) => e.name === 'open').cors, DEFAULT_CORS);
    });

    it('refuses credentials with any origin, saying why, and an origin written otherwise than browsers send it; nothing is stored', async () => {
      const star = await cp.call('PATCH', endpointPath(), { cors: { ...DEFAULT_CORS, allowCredentials: true } });
      assert.equal(star.status, 400, star.text);
      assert.equal(star.body.error.code, 'validation_failed');
      const field = star.body.error.fields.find((f: { path: string }) => f.path === 'cors.allowCredentials');
      assert.ok(field, star.text);
      assert.match(field.message, /Credentials cannot go with any origin \(\*\): browsers refuse such an answer.*List the origins of your app/);

      const path1 = await cp.call('PATCH', endpointPath(), { cors: { ...DEFAULT_CORS, allowOrigins: ['https://App.Stark.test/callback'] } });
      assert.equal(path1.status, 400);
      assert.equal(path1.body.error.fields[0].path, 'cors.allowOrigins.0');
      assert.match(path1.body.error.fields[0].message, /as a browser sends it: https:\/\/app\.stark\.test \(scheme, host and port only/);
      const method = await cp.call('PATCH', endpointPath(), { cors: { ...DEFAULT_CORS, allowMethods: ['FETCH'] } });
      assert.equal(method.status, 400);
      assert.match(method.body.error.fields[0].message, /"FETCH" is not a method/);

      const read = await ok('GET', paths.component(ORG, PROJECT, 'orders'));
      assert.deepEqual(read.endpoints.find((e: { name: string }) => e.name === 'open').cors, DEFAULT_CORS);
    });
  });

  describe('X-JWT-Assertion', () => {
    async function verify(assertion: string) {
      const { createRemoteJWKSet, jwtVerify } = await jose();
      const jwks = createRemoteJWKSet(new URL(`${issuerUrl(cp.url, ORG)}/jwks`));
      return jwtVerify(assertion, jwks, { issuer: issuerUrl(cp.url, ORG), algorithms: ['ES256'] });
    }
    const assertionsOf = (call: { rawHeaders: string[] }) =>
      call.rawHeaders.filter((_, i) => i % 2 === 1 && call.rawHeaders[i - 1].toLowerCase() === 'x-jwt-assertion');

    it('the upstream learns who called, in a JWT it verifies with the organization JWKS; the same one serves the next calls', async () => {
      const before = upstream.calls.length;
      assert.equal((await request('GET', url('open'), { authorization: `Bearer ${token}` })).status, 200);
      assert.equal((await request('GET', url('open'), { authorization: `Bearer ${token}` })).status, 200);
      const [first, second] = upstream.calls.slice(before).map(assertionsOf);
      assert.equal(first.length, 1);
      const { payload, protectedHeader } = await verify(first[0]);
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, clientId, "an application token's subject is its client");
      assert.equal(payload.client_id, clientId);
      assert.equal(payload.consumer, `${ORG}/${PROJECT}/web-app`);
      assert.equal(payload.consumer_name, 'Stark Web App');
      assert.equal(payload.connection, 'Orders open');
      assert.equal(payload.endpoint, `${ORG}/${PROJECT}/orders/open`);
      assert.equal(payload.environment, 'development');
      assert.equal(payload.token_issuer, issuerUrl(cp.url, ORG));
      assert.equal(payload.aud, undefined, 'no audience: never an access token of this gateway');
      assert.equal(typeof payload.jti, 'string');
      const tokenExp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
      assert.ok(payload.exp! <= tokenExp, 'it does not outlive the token');
      assert.ok(payload.exp! - payload.iat! <= 900);
      assert.deepEqual(second, first, 'signed once, reused');
      // After a write (every call is judged again from the records) the assertion is still the one made before.
      await ok('PATCH', paths.endpoint(ORG, PROJECT, 'orders', 'open'), { visibility: 'Organization' });
      assert.equal((await request('GET', url('open'), { authorization: `Bearer ${token}` })).status, 200);
      assert.deepEqual(assertionsOf(upstream.calls.at(-1)!), first, 'kept per token and connection, not per decision');

      // Another connection (another endpoint) gets its own.
      assert.equal((await request('GET', url('strict'), { authorization: `Bearer ${token}` })).status, 200);
      const strict = (await verify(assertionsOf(upstream.calls.at(-1)!)[0])).payload;
      assert.equal(strict.connection, 'Orders strict');
      assert.notEqual(strict.jti, payload.jti);
    });

    it("a caller's X-JWT-Assertion never reaches the upstream (any case, repeated)", async () => {
      const before = upstream.calls.length;
      // Over a raw socket: the forged ones in several spellings, more than once.
      const head = await rawGet(url('open'), [
        `Authorization: Bearer ${token}`,
        'X-JWT-Assertion: forged.one.x',
        'x-jwt-assertion: forged.two.y',
        'X-Jwt-ASSERTION: forged.three.z',
      ]);
      assert.match(head, /^HTTP\/1\.1 200 /, head);
      const got = assertionsOf(upstream.calls[before]);
      assert.equal(got.length, 1, `one assertion upstream: ${got.join(' | ')}`);
      assert.ok(!got[0].startsWith('forged'));
      await verify(got[0]);
      assert.ok(!upstream.calls[before].rawHeaders.some((h) => h.startsWith('forged')));
    });

    it('an assertion sent back to the gateway as a token is refused', async () => {
      const before = upstream.calls.length;
      await request('GET', url('open'), { authorization: `Bearer ${token}` });
      const assertion = assertionsOf(upstream.calls[before])[0];
      const res = await request('GET', url('open'), { authorization: `Bearer ${assertion}` });
      assert.equal(res.status, 401, res.text);
    });
  });

  describe('user tokens of the built-in provider', () => {
    /** A user access token as the authorization server mints it (RFC 9068), signed with the organization's key. */
    async function userToken(claims: Record<string, unknown>) {
      const { importJWK, SignJWT } = await jose();
      const stored = JSON.parse(fs.readFileSync(path.join(dataDir, 'signing-keys.json'), 'utf8')).keys.find((k: { retiredAt?: string }) => !k.retiredAt);
      const key = await importJWK({ ...stored.privateJwk, alg: 'ES256' }, 'ES256');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: clientId, scope: 'openid profile email', jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: stored.kid })
        .setIssuer(issuerUrl(cp.url, ORG))
        .setAudience(gatewayAudience(cp.url))
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(key);
    }

    it("a user's token (sub the person, client_id the consumer's key) passes as an application token does, and the assertion names the person", async () => {
      const before = upstream.calls.length;
      const user = await userToken({
        sub: 'u-4f1c',
        email: 'pepper@stark.test',
        name: 'Pepper Potts',
        groups: ['finance'],
        auth_time: Math.floor(Date.now() / 1000),
      });
      const res = await request('GET', url('strict'), { origin: APP_ORIGIN, authorization: `Bearer ${user}` });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
      const { createRemoteJWKSet, jwtVerify } = await jose();
      const raw = upstream.calls[before].rawHeaders;
      const assertion = raw[raw.findIndex((h) => h.toLowerCase() === 'x-jwt-assertion') + 1];
      const { payload } = await jwtVerify(assertion, createRemoteJWKSet(new URL(`${issuerUrl(cp.url, ORG)}/jwks`)), { issuer: issuerUrl(cp.url, ORG) });
      assert.equal(payload.sub, 'u-4f1c');
      assert.equal(payload.email, 'pepper@stark.test');
      assert.equal(payload.name, 'Pepper Potts');
      assert.deepEqual(payload.groups, ['finance']);
      assert.equal(payload.client_id, clientId);
      assert.equal(payload.consumer_name, 'Stark Web App');
    });

    it('a user token naming a client of no consumer is refused as an application token would be', async () => {
      const res = await request('GET', url('open'), { authorization: `Bearer ${await userToken({ sub: 'u-4f1c', client_id: 'no-such-client' })}` });
      assert.equal(res.status, 401);
      assert.match(res.body.error.message, /no-such-client belongs to no external consumer/);
    });
  });

  describe("an external identity provider's tokens", () => {
    it("the assertion's sub is the person of that provider's token, token_issuer the provider", async () => {
      const { exportJWK, generateKeyPair, SignJWT } = await jose();
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' };
      const server = http.createServer((req, res) => {
        const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        const body = req.url === '/jwks' ? { keys: [jwk] } : { issuer: base, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks` };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      try {
        const idp = await ok('POST', paths.identityProviders(ORG), { name: 'Partner IdP', wellKnownUrl: `${base}/.well-known/openid-configuration` });
        await ok('POST', paths.components(ORG, PROJECT), { displayName: 'Partner App', name: 'partner-app', type: 'external-consumer' });
        await ok('PUT', `${paths.authFor(ORG, PROJECT, 'partner-app', 'development')}/external`, { identityProviderId: idp.id, clientId: 'partner-client' });
        await ok('POST', paths.connections(ORG, PROJECT, 'partner-app'), { name: 'Orders', serviceComponentName: 'orders', endpointName: 'open' });
        const now = Math.floor(Date.now() / 1000);
        const external = await new SignJWT({ client_id: 'partner-client', email: 'happy@partner.test' })
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'ext-1' })
          .setIssuer(base)
          .setSubject('ext-user-7')
          .setAudience(gatewayAudience(cp.url))
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(privateKey);
        const before = upstream.calls.length;
        const res = await request('GET', url('open'), { authorization: `Bearer ${external}` });
        assert.equal(res.status, 200, res.text);
        const raw = upstream.calls[before].rawHeaders;
        const assertion = raw[raw.findIndex((h) => h.toLowerCase() === 'x-jwt-assertion') + 1];
        const { createRemoteJWKSet, jwtVerify } = await jose();
        const { payload } = await jwtVerify(assertion, createRemoteJWKSet(new URL(`${issuerUrl(cp.url, ORG)}/jwks`)), { issuer: issuerUrl(cp.url, ORG) });
        assert.equal(payload.sub, 'ext-user-7');
        assert.equal(payload.email, 'happy@partner.test');
        assert.equal(payload.client_id, 'partner-client');
        assert.equal(payload.token_issuer, base);
        assert.equal(payload.consumer, `${ORG}/${PROJECT}/partner-app`);
        assert.ok(payload.exp! <= now + 300, 'not beyond the external token');
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });

  describe("the built-in provider's endpoints a browser app calls", () => {
    it('discovery and JWKS answer any origin; the token endpoint only the origins of the callback URLs', async () => {
      for (const doc of [`${issuerUrl(cp.url, ORG)}/.well-known/openid-configuration`, `${issuerUrl(cp.url, ORG)}/jwks`]) {
        const got = await request('GET', doc, { origin: OTHER_ORIGIN });
        assert.equal(got.status, 200);
        assert.equal(got.headers['access-control-allow-origin'], '*', doc);
        const pre = await preflight(doc, OTHER_ORIGIN);
        assert.equal(pre.status, 204);
        assert.equal(pre.headers['access-control-allow-origin'], '*');
      }
      // No key settings yet: no origin may read the token endpoint.
      const none = await preflight(tokenUrl(cp.url, ORG), APP_ORIGIN, 'POST');
      assert.equal(none.status, 204);
      assert.equal(none.headers['access-control-allow-origin'], undefined);

      // Key settings with a callback URL, as the authorization server stores them on the built-in keys.
      await cp.stop();
      const store = await FileStore.open({ dataDir, collections: [...coreCollections, ...modules.flatMap((m) => m.collections ?? [])] });
      const config = (await store.findUnique<AuthConfigRecord>('authConfigurations', 'clientId', clientId))!;
      await store.write([
        {
          op: 'put',
          collection: 'authConfigurations',
          record: {
            ...config,
            keySettings: {
              ...DEFAULT_KEY_SETTINGS,
              grantTypes: ['client_credentials', 'authorization_code'],
              callbackUrls: [`${APP_ORIGIN}/callback`, 'com.stark.app:/callback', 'http://127.0.0.1/cb'],
            },
          } as AuthConfigRecord,
        },
      ]);
      await store.close();
      cp = await ControlPlane.start(dataDir, ['--port', String(port)]);

      const allowed = await preflight(tokenUrl(cp.url, ORG), APP_ORIGIN, 'POST');
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
      assert.match(String(allowed.headers['access-control-allow-methods']), /POST/);
      assert.match(String(allowed.headers.vary), /Origin/);
      const refused = await preflight(tokenUrl(cp.url, ORG), OTHER_ORIGIN, 'POST');
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
      assert.ok(!refused.raw.some((h) => h.includes('stark.test')));

      const basic = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
      const form = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };
      const issued = await request('POST', tokenUrl(cp.url, ORG), { ...form, origin: APP_ORIGIN }, 'grant_type=client_credentials');
      assert.equal(issued.status, 200, issued.text);
      assert.equal(issued.headers['access-control-allow-origin'], APP_ORIGIN);
      const other = await request('POST', tokenUrl(cp.url, ORG), { ...form, origin: OTHER_ORIGIN }, 'grant_type=client_credentials');
      assert.equal(other.status, 200);
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      const server = await request('POST', tokenUrl(cp.url, ORG), form, 'grant_type=client_credentials');
      assert.equal(server.status, 200);
      assert.equal(server.headers['access-control-allow-origin'], undefined);
      assert.equal(server.headers.vary, undefined, 'a call without Origin gets nothing added');
    });
  });
});
