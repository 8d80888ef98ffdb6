/**
 * Tokens that must be refused, by the gateway (over HTTP, against the control plane process) and by the extension's
 * Get Test Token check: alg none, HS256 signed with the public key, an unknown kid, expired, nbf in the future, the
 * wrong iss, the wrong aud, a tampered payload, a key rotated out long ago, an opaque token. A real token from the
 * built-in provider passes both, so each refusal is the token's fault, not the setup's.
 *
 * The tokens are forged with the control plane's own private key (read from its data folder, as an attacker who
 * stole it, or a test, could), so that exactly one thing is wrong with each.
 */
import * as assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gatewayAudience, gatewayUrl, issuerUrl } from '../../src/api/routes';
import { checkAccessToken } from '../../src/client/testToken';
import { jose } from '../../src/controlPlane/gateway/jose';
import { SIGNING_KEYS_FILE } from '../../src/controlPlane/idp/signingKeys';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { ORG, PROJECT, printFigures, rawRequest, seedWorld, type World } from './helpers/world';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

interface Case {
  name: string;
  token: string;
  /** What the gateway's message must say. */
  gateway: RegExp;
  /** What Get Test Token must name among its problems. */
  extension: RegExp;
}

describe('tokens that must be refused (gateway over HTTP, and Get Test Token)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let world: World;
  let upstream: http.Server;
  let upstreamCalls = 0;
  let good: string;
  let cases: Case[];
  let issuer: string;
  let jwks: { keys: Record<string, unknown>[] };
  let url: string;
  const figures = { gatewayRefused: 0, extensionRefused: 0 };

  before(async () => {
    upstream = http.createServer((_req, res) => {
      upstreamCalls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Hello"}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    // A key retired two days ago, past the lifetime of any token it signed (a day at most, api/keySettings.ts): put into
    // the data folder before the first start, as a rotation long ago would have left it.
    const dataDir = tempDir('rel-tokens-');
    const old = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const oldKid = 'rotated-out-long-ago';
    const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    fs.writeFileSync(
      path.join(dataDir, SIGNING_KEYS_FILE),
      JSON.stringify({ keys: [{ kid: oldKid, privateJwk: old, createdAt: longAgo, retiredAt: longAgo }] }),
      { mode: 0o600 },
    );

    cp = await ControlPlane.start(dataDir);
    world = await seedWorld(cp, upstreamUrl);
    issuer = issuerUrl(cp.url, ORG);
    url = `${gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'hello', 'development')}/greet`;

    const tokenRes = await rawRequest(
      cp.url,
      'POST',
      `/oauth2/${ORG}/token`,
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${world.clientId}:${world.clientSecret}`).toString('base64')}`,
      },
      'grant_type=client_credentials',
    );
    assert.equal(tokenRes.status, 200, tokenRes.text);
    good = tokenRes.json.access_token;

    jwks = (await rawRequest(cp.url, 'GET', `/oauth2/${ORG}/jwks`)).json;
    assert.ok(!jwks.keys.some((k) => k.kid === oldKid), 'the long-retired key is no longer published');
    const stored = JSON.parse(fs.readFileSync(path.join(dataDir, SIGNING_KEYS_FILE), 'utf8')).keys as Array<{
      kid: string;
      privateJwk: Record<string, unknown>;
      retiredAt?: string;
    }>;
    const active = stored.find((k) => !k.retiredAt)!;
    const activeKey = await jose.importJWK({ ...active.privateJwk, alg: 'ES256' } as never, 'ES256');
    const oldKey = await jose.importJWK({ ...old, alg: 'ES256' } as never, 'ES256');
    const strangerKey = (await jose.generateKeyPair('ES256')).privateKey;

    const now = Math.floor(Date.now() / 1000);
    const claims = (over: Record<string, unknown> = {}) => ({
      iss: issuer,
      aud: gatewayAudience(cp.url),
      sub: world.clientId,
      client_id: world.clientId,
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      scope: 'default',
      ...over,
    });
    const es256 = (key: CryptoKey | Uint8Array, kid: string, over?: Record<string, unknown>) =>
      new jose.SignJWT(claims(over)).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(key as never);

    // HS256 with the published public key as the HMAC secret: the classic key-confusion forgery.
    const publicJwk = jwks.keys.find((k) => k.kid === active.kid)!;
    const hsHeader = b64({ alg: 'HS256', typ: 'at+jwt', kid: active.kid });
    const hsPayload = b64(claims());
    const hs256 = `${hsHeader}.${hsPayload}.${createHmac('sha256', JSON.stringify(publicJwk)).update(`${hsHeader}.${hsPayload}`).digest('base64url')}`;

    const [goodHeader, goodPayload, goodSignature] = good.split('.');
    const tampered = { ...JSON.parse(Buffer.from(goodPayload, 'base64url').toString()), scope: 'admin' };

    cases = [
      {
        name: 'alg none',
        token: `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`,
        gateway: /signed with none; only asymmetric/,
        extension: /signed with none/,
      },
      { name: 'HS256 signed with the public key', token: hs256, gateway: /signed with HS256; only asymmetric/, extension: /signed with HS256/ },
      { name: 'an unknown kid', token: await es256(strangerKey, 'no-such-kid'), gateway: /unknown kid/, extension: /no published key.*kid "no-such-kid"/i },
      { name: 'expired', token: await es256(activeKey, active.kid, { iat: now - 7200, exp: now - 3600 }), gateway: /has expired/, extension: /expired/ },
      { name: 'nbf in the future', token: await es256(activeKey, active.kid, { nbf: now + 3600 }), gateway: /not valid yet \(nbf/, extension: /not valid yet/ },
      {
        name: 'the wrong iss',
        token: await es256(activeKey, active.kid, { iss: 'https://evil.example/oauth2/stark-industries' }),
        gateway: /issued by https:\/\/evil\.example.*not an identity provider/,
        extension: /Issuer is "https:\/\/evil/,
      },
      {
        name: 'the wrong aud',
        token: await es256(activeKey, active.kid, { aud: 'https://elsewhere.example/gw' }),
        gateway: /not for this gateway: its audience/,
        extension: /audience/,
      },
      {
        name: 'a tampered payload',
        token: `${goodHeader}.${b64(tampered)}.${goodSignature}`,
        gateway: /signature is not valid/,
        extension: /signature is not valid/,
      },
      { name: 'a key rotated out long ago', token: await es256(oldKey, oldKid), gateway: /unknown kid/, extension: /no published key.*rotated-out-long-ago/i },
      { name: 'an opaque token', token: randomBytes(32).toString('base64url'), gateway: /not a JWT.*only JWT access tokens/, extension: /not a JWT/ },
    ];
  });
  after(async () => {
    await cp?.stop();
    await new Promise((r) => upstream?.close(r));
    printFigures('refused tokens', {
      'kinds of bad token': cases?.length ?? 0,
      'refused by the gateway (401, invalid_token)': figures.gatewayRefused,
      'refused by Get Test Token': figures.extensionRefused,
      'upstream calls made by refused tokens': upstreamCalls - 1,
    });
  });

  it('the gateway forwards a real token from the built-in provider (the control)', async () => {
    const res = await rawRequest(cp.url, 'GET', new URL(url).pathname, { authorization: `Bearer ${good}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(upstreamCalls, 1);
  });

  it('the gateway refuses each bad token with 401, an RFC 6750 challenge and a message that says what is wrong', async () => {
    const before = upstreamCalls;
    for (const c of cases) {
      const res = await rawRequest(cp.url, 'GET', new URL(url).pathname, { authorization: `Bearer ${c.token}` });
      assert.equal(res.status, 401, `${c.name}: ${res.status} ${res.text}`);
      assert.equal(res.json?.error?.code, 'unauthorized', c.name);
      assert.match(res.json.error.message, c.gateway, c.name);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="choreo-gateway", error="invalid_token", error_description="/, c.name);
      figures.gatewayRefused++;
    }
    assert.equal(upstreamCalls, before, 'no refused token reached the upstream');
  });

  it('Get Test Token accepts the real token and names what is wrong with each bad one', async () => {
    const expected = { issuer, clientId: world.clientId, audience: gatewayAudience(cp.url), jwks };
    const ok = await checkAccessToken(good, expected);
    assert.deepEqual(ok.problems, []);
    for (const c of cases) {
      const r = await checkAccessToken(c.token, expected);
      assert.equal(r.ok, false, `${c.name} was accepted`);
      assert.match(r.problems.join(' '), c.extension, `${c.name}: ${r.problems.join(' | ')}`);
      figures.extensionRefused++;
    }
  });
});
