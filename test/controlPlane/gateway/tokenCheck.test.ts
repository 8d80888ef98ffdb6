import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jose, type JWTPayload } from '../../../src/controlPlane/gateway/jose';
import { JwksRegistry, localKeys } from '../../../src/controlPlane/gateway/jwks';
import { TokenChecker, TokenRejected, type TrustedIssuer } from '../../../src/controlPlane/gateway/tokenCheck';
import { JWT_CLIENT, OPAQUE_CLIENT, startOidcProvider, type RunningProvider } from '../externalIdp/oidcProvider';

const ISSUER = 'https://idp.stark.example';

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}
type Key = Awaited<ReturnType<typeof keyPair>>;

function sign(key: Key, claims: JWTPayload, opts: { exp?: number | string; nbf?: number; iss?: string } = {}) {
  const jwt = new jose.SignJWT({ client_id: 'stark-mobile', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(opts.iss ?? ISSUER)
    .setIssuedAt();
  if (opts.exp !== undefined) jwt.setExpirationTime(opts.exp);
  else jwt.setExpirationTime('5m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(key.privateKey);
}

async function rejected(promise: Promise<unknown>): Promise<TokenRejected> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TokenRejected, `expected TokenRejected, got ${String(err)}`);
    return err;
  }
  assert.fail('the token should have been refused');
}

describe('gateway token check', function () {
  this.timeout(10_000);

  describe('against a real external provider (oidc-provider)', () => {
    let idp: RunningProvider;
    let checker: TokenChecker;
    before(async () => {
      idp = await startOidcProvider();
      const registry = new JwksRegistry();
      const keys = registry.remote(`${idp.issuer}/jwks`);
      checker = new TokenChecker((iss) => (iss === idp.issuer ? { keys } : undefined));
    });
    after(() => idp.close());

    it('verifies its JWT access token and names the client', async () => {
      const verified = await checker.check(`Bearer ${await idp.token(JWT_CLIENT)}`);
      assert.equal(verified.issuer, idp.issuer);
      assert.equal(verified.clientId, JWT_CLIENT.clientId);
      assert.ok(verified.expiresAt > Date.now() / 1000);
    });

    it('refuses its opaque access token, saying the provider must issue JWTs', async () => {
      const err = await rejected(checker.check(`Bearer ${await idp.token(OPAQUE_CLIENT)}`));
      assert.equal(err.status, 401);
      assert.equal(err.error, 'invalid_token');
      assert.match(err.message, /must issue|accepts only JWT access tokens/);
      const header = err.wwwAuthenticate('gateway');
      assert.match(header, /^Bearer realm="gateway", error="invalid_token", error_description="[^"]*JWT[^"]*"$/);
    });
  });

  describe('with keys it controls', () => {
    let a: Key;
    let b: Key;
    let published: object[];
    let jwksHits = 0;
    let jwksServer: Server;
    let jwksUrl: string;
    before(async () => {
      a = await keyPair('key-a');
      b = await keyPair('key-b');
      jwksServer = createServer((_req, res) => {
        jwksHits++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: published }));
      });
      await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
      jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
    });
    beforeEach(() => {
      published = [a.jwk];
      jwksHits = 0;
    });
    after(() => {
      jwksServer.closeAllConnections();
      jwksServer.close();
    });

    const localChecker = (opts = {}) => {
      let lookups = 0;
      const trusted: TrustedIssuer = { keys: localKeys({ keys: [a.jwk] as never }) };
      const checker = new TokenChecker((iss) => (lookups++, iss === ISSUER ? trusted : undefined), opts);
      return { checker, lookups: () => lookups };
    };

    it('asks for a token when none is sent, without an error code (RFC 6750 §3.1)', async () => {
      const err = await rejected(localChecker().checker.check(undefined));
      assert.equal(err.error, undefined);
      assert.equal(err.wwwAuthenticate('gateway'), 'Bearer realm="gateway"');
      const bad = await rejected(localChecker().checker.check('Basic abc'));
      assert.equal(bad.status, 400);
      assert.equal(bad.error, 'invalid_request');
    });

    it('refuses alg none and HMAC tokens', async () => {
      const { checker } = localChecker();
      const none = new jose.UnsecuredJWT({ client_id: 'x' }).setIssuer(ISSUER).setExpirationTime('5m').encode();
      assert.match((await rejected(checker.check(`Bearer ${none}`))).message, /signed with none/);
      const hs = await new jose.SignJWT({ client_id: 'x' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('shared-secret-shared-secret-shared'));
      assert.match((await rejected(checker.check(`Bearer ${hs}`))).message, /HS256; only asymmetric/);
    });

    it('refuses expired, not-yet-valid, unknown-issuer and badly signed tokens', async () => {
      const { checker } = localChecker();
      const now = Math.floor(Date.now() / 1000);
      assert.match((await rejected(checker.check(`Bearer ${await sign(a, {}, { exp: now - 120 })}`))).message, /expired/);
      assert.match((await rejected(checker.check(`Bearer ${await sign(a, {}, { nbf: now + 600 })}`))).message, /not valid yet/);
      const foreign = await rejected(checker.check(`Bearer ${await sign(a, {}, { iss: 'https://other.example' })}`));
      assert.match(foreign.message, /issued by https:\/\/other\.example, which is not an identity provider/);
      // Signed by key b but claiming key a's kid: the signature does not verify.
      const forged = await new jose.SignJWT({ client_id: 'x' })
        .setProtectedHeader({ alg: 'ES256', kid: 'key-a' })
        .setIssuer(ISSUER)
        .setExpirationTime('5m')
        .sign(b.privateKey);
      assert.match((await rejected(checker.check(`Bearer ${forged}`))).message, /signature/);
    });

    it('takes azp when client_id is absent, and refuses a token naming no client', async () => {
      const { checker } = localChecker();
      const azp = await checker.check(`Bearer ${await sign(a, { client_id: undefined, azp: 'web-app' })}`);
      assert.equal(azp.clientId, 'web-app');
      const none = await rejected(checker.check(`Bearer ${await sign(a, { client_id: undefined })}`));
      assert.match(none.message, /names no client/);
    });

    it("gives a token that shares a cached token's signature nothing from the cache (tampered payload refused)", async () => {
      const { checker } = localChecker();
      const real = await sign(a, { client_id: 'stark-mobile' });
      await checker.check(`Bearer ${real}`); // now cached, keyed by its tail
      const [header, , signature] = real.split('.');
      const payload = Buffer.from(JSON.stringify({ client_id: 'intruder', iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
      const tampered = `${header}.${payload}.${signature}`;
      assert.equal(checker.cached(`Bearer ${tampered}`), undefined, 'the hot path does not answer from the real token');
      assert.match((await rejected(checker.check(`Bearer ${tampered}`))).message, /signature/);
      assert.equal(checker.cached(`Bearer ${real}`)?.clientId, 'stark-mobile');
    });

    it('serves a token seen before from its cache, and evicts the least recently used', async () => {
      const { checker, lookups } = localChecker({ cacheSize: 2 });
      const [t1, t2, t3] = await Promise.all([sign(a, { n: 1 }), sign(a, { n: 2 }), sign(a, { n: 3 })]);
      await checker.check(`Bearer ${t1}`);
      await checker.check(`Bearer ${t1}`);
      assert.equal(lookups(), 1, 'second call came from the cache');
      await checker.check(`Bearer ${t2}`);
      await checker.check(`Bearer ${t1}`); // t1 is now the most recent
      await checker.check(`Bearer ${t3}`); // evicts t2
      assert.equal(checker.cachedCount, 2);
      const before = lookups();
      await checker.check(`Bearer ${t1}`);
      assert.equal(lookups(), before, 't1 stayed cached');
      await checker.check(`Bearer ${t2}`);
      assert.equal(lookups(), before + 1, 't2 was evicted and verified again');
    });

    it('fetches the JWKS again for an unknown kid, once per cool-down', async () => {
      const keys = new JwksRegistry({ cooldownMs: 0 }).remote(jwksUrl);
      const checker = new TokenChecker((iss) => (iss === ISSUER ? { keys } : undefined));
      await checker.check(`Bearer ${await sign(a, {})}`);
      assert.equal(jwksHits, 1);
      published = [a.jwk, b.jwk]; // the provider rotated in key b
      const verified = await checker.check(`Bearer ${await sign(b, {})}`);
      assert.equal(verified.clientId, 'stark-mobile');
      assert.equal(jwksHits, 2);

      jwksHits = 0;
      published = [a.jwk];
      const cooling = new JwksRegistry({ cooldownMs: 60_000 }).remote(jwksUrl);
      const strict = new TokenChecker((iss) => (iss === ISSUER ? { keys: cooling } : undefined));
      await strict.check(`Bearer ${await sign(a, {})}`);
      for (let i = 0; i < 5; i++) {
        const err = await rejected(strict.check(`Bearer ${await sign(b, { i })}`));
        assert.match(err.message, /unknown kid|No published key/);
      }
      assert.equal(jwksHits, 1, 'unknown kids during the cool-down did not refetch');
    });
  });
});
