/**
 * The built-in identity provider, driven by standard libraries nobody here wrote: openid-client (discovery, then
 * client_credentials) gets the token, jose verifies it against the published JWKS.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatewayAudience, IssuedKeys, paths } from '../../src/api';
import { SigningKeys, LONGEST_TOKEN_LIFETIME_SEC, RETIRED_KEY_MARGIN_SEC, TOKEN_LIFETIME_SEC } from '../../src/controlPlane/idp/signingKeys';
import { ControlPlane, runCli, tempDir } from './helpers/controlPlane';

// Both libraries are ES modules only; this file is compiled as CommonJS.
const oidc = () => import('openid-client');
const jose = () => import('jose');

describe('built-in identity provider', function () {
  this.timeout(30_000);
  let cp: ControlPlane;
  const org = 'stark-industries';
  let keys: IssuedKeys;
  let issuer: string;

  before(async () => {
    cp = await ControlPlane.start();
    assert.equal((await cp.call('POST', paths.orgs(), { name: 'Stark Industries' })).status, 201);
    assert.equal((await cp.call('POST', paths.components(org, 'default'), { displayName: 'Bot', name: 'bot', type: 'external-consumer' })).status, 201);
    keys = IssuedKeys.parse((await cp.call('POST', `${paths.authFor(org, 'default', 'bot', 'development')}/generate-keys`)).body);
    issuer = `${cp.url}/oauth2/${org}`;
  });
  after(async () => {
    await cp.stop();
  });

  async function tokenWith(secret: string, method: 'basic' | 'post' = 'basic', scope?: string) {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test's control plane is plain HTTP on loopback
    const { discovery, clientCredentialsGrant, allowInsecureRequests, ClientSecretBasic, ClientSecretPost } = await oidc();
    const auth = method === 'basic' ? ClientSecretBasic(secret) : ClientSecretPost(secret);
    // The local control plane speaks plain http on loopback.
    const config = await discovery(new URL(issuer), keys.authConfiguration.clientId, undefined, auth, { execute: [allowInsecureRequests] });
    return clientCredentialsGrant(config, scope ? { scope } : {});
  }

  async function verify(token: string) {
    const { createRemoteJWKSet, jwtVerify } = await jose();
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    return jwtVerify(token, jwks, { issuer, audience: gatewayAudience(cp.url), typ: 'at+jwt', algorithms: ['ES256'] });
  }

  it('publishes an OIDC discovery document per organization', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.issuer, issuer);
    assert.equal(doc.token_endpoint, keys.authConfiguration.tokenUrl);
    assert.equal(doc.jwks_uri, `${issuer}/jwks`);
    assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
    assert.deepEqual(doc.response_types_supported, ['code'], 'no implicit flow');
    assert.equal((await fetch(`${cp.url}/oauth2/wayne/.well-known/openid-configuration`)).status, 404);
    assert.equal((await fetch(`${cp.url}/oauth2/wayne/jwks`)).status, 404);
  });

  it('issues an RFC 9068 JWT access token that jose verifies against the JWKS (client_secret_basic)', async () => {
    const tokens = await tokenWith(keys.clientSecret);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.expires_in, TOKEN_LIFETIME_SEC);
    const { payload, protectedHeader } = await verify(tokens.access_token);
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(protectedHeader.typ, 'at+jwt');
    const jwks = await (await fetch(`${issuer}/jwks`)).json();
    assert.ok(
      jwks.keys.some((k: { kid: string }) => k.kid === protectedHeader.kid),
      'kid names a published key',
    );
    assert.ok(
      jwks.keys.every((k: Record<string, unknown>) => k.d === undefined),
      'no private parts published',
    );
    assert.equal(payload.iss, issuer);
    assert.equal(payload.sub, keys.authConfiguration.clientId);
    assert.equal(payload.client_id, keys.authConfiguration.clientId);
    assert.equal(payload.aud, gatewayAudience(cp.url));
    assert.equal(payload.exp! - payload.iat!, TOKEN_LIFETIME_SEC);
    assert.ok(Math.abs(payload.iat! - Date.now() / 1000) < 60);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.equal(payload.scope, 'default');
  });

  it('accepts client_secret_post and carries requested scopes', async () => {
    const tokens = await tokenWith(keys.clientSecret, 'post', 'orders:read orders:write');
    const { payload } = await verify(tokens.access_token);
    assert.equal(payload.scope, 'orders:read orders:write');
    assert.notEqual(payload.jti, (await verify((await tokenWith(keys.clientSecret)).access_token)).payload.jti, 'jti is unique');
  });

  // Errors are RFC 6749 §5.2 objects (a block, not a describe, so that they run before the secret changes).
  {
    const post = (body: string, headers: Record<string, string> = {}, url = keys.authConfiguration.tokenUrl) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
    async function expectOAuthError(res: Response, status: number, error: string) {
      assert.equal(res.status, status);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = await res.json();
      assert.equal(body.error, error);
      assert.ok(String(body.error_description).length > 10);
      return res;
    }

    it('invalid_client with 401 and WWW-Authenticate: wrong secret, unknown client, no credentials, other organization', async () => {
      const id = keys.authConfiguration.clientId;
      for (const res of [
        await post('grant_type=client_credentials', basic(id, 'wrong')),
        await post('grant_type=client_credentials', basic('unknown', keys.clientSecret)),
        await post(`grant_type=client_credentials&client_id=${id}&client_secret=wrong`),
        await post('grant_type=client_credentials'),
        await post('grant_type=client_credentials', basic(id, keys.clientSecret), `${cp.url}/oauth2/other-org/token`),
        await post('grant_type=client_credentials', { authorization: 'Basic !!!' }),
      ]) {
        await expectOAuthError(res, 401, 'invalid_client');
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      }
    });

    it('unsupported_grant_type, invalid_request and invalid_scope', async () => {
      const auth = basic(keys.authConfiguration.clientId, keys.clientSecret);
      await expectOAuthError(await post('grant_type=password&username=a&password=b', auth), 400, 'unsupported_grant_type');
      await expectOAuthError(await post('scope=x', auth), 400, 'invalid_request');
      await expectOAuthError(await post('grant_type=client_credentials&grant_type=client_credentials', auth), 400, 'invalid_request');
      await expectOAuthError(await post('{"grant_type":"client_credentials"}', { ...auth, 'content-type': 'application/json' }), 400, 'invalid_request');
      await expectOAuthError(await post(`grant_type=client_credentials&client_secret=${keys.clientSecret}`, auth), 400, 'invalid_request');
      await expectOAuthError(await post('grant_type=client_credentials&scope=%22quoted%22', auth), 400, 'invalid_scope');
      await expectOAuthError(await fetch(keys.authConfiguration.tokenUrl), 405, 'invalid_request');
    });
  }

  it('Regenerate Secret: the old secret gets invalid_client at once, the new one works, the client ID stays', async () => {
    const { WWWAuthenticateChallengeError } = await oidc();
    const res = await cp.call('POST', `${paths.authFor(org, 'default', 'bot', 'development')}/regenerate-secret`);
    const renewed = IssuedKeys.parse(res.body);
    assert.equal(renewed.authConfiguration.clientId, keys.authConfiguration.clientId);
    // openid-client reports the 401's WWW-Authenticate challenge first; the body says invalid_client.
    const err = await tokenWith(keys.clientSecret).then(
      () => assert.fail('the old secret still works'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WWWAuthenticateChallengeError, String(err));
    assert.equal(err.status, 401);
    assert.equal(err.cause[0].scheme, 'basic');
    assert.equal((await err.response.json()).error, 'invalid_client');
    await verify((await tokenWith(renewed.clientSecret)).access_token);
    keys = renewed;
  });

  it('key rotation: new tokens use the new key; tokens signed before still verify (API, then CLI while serving)', async () => {
    const { decodeProtectedHeader } = await jose();
    const before = (await tokenWith(keys.clientSecret)).access_token;
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await cp.call('POST', paths.rotateSigningKey());
    assert.equal(rotated.status, 200);
    const after = (await tokenWith(keys.clientSecret)).access_token;
    assert.equal(decodeProtectedHeader(after).kid, rotated.body.kid);
    assert.notEqual(rotated.body.kid, oldKid);
    await verify(before);
    await verify(after);

    const cli = await runCli(['rotate-keys', '--data', cp.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /running control plane/);
    const jwks = await (await fetch(`${issuer}/jwks`)).json();
    assert.equal(jwks.keys.length, 3);
    await verify(before);
    const third = (await tokenWith(keys.clientSecret)).access_token;
    assert.notEqual(decodeProtectedHeader(third).kid, rotated.body.kid);
  });

  it('keeps the keys across a restart; rotate-keys also works with the control plane stopped', async () => {
    const before = (await tokenWith(keys.clientSecret)).access_token;
    assert.equal(await cp.stop(), 0);
    assert.equal(fs.statSync(path.join(cp.dataDir, 'signing-keys.json')).mode & 0o777, 0o600);
    const cli = await runCli(['rotate-keys', '--data', cp.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    cp = await ControlPlane.start(cp.dataDir);
    issuer = `${cp.url}/oauth2/${org}`;
    const jwks = await (await fetch(`${issuer}/jwks`)).json();
    assert.equal(jwks.keys.length, 4);
    const { createLocalJWKSet, jwtVerify } = await jose();
    // The port changed (tests use port 0), so check the signature only.
    await jwtVerify(before, createLocalJWKSet(jwks), { typ: 'at+jwt' });
  });
});

describe('signing keys', () => {
  it('drops a retired key from the JWKS only once every token it signed has expired', async () => {
    const dir = tempDir('keys-');
    let now = Date.parse('2030-01-01T00:00:00Z');
    const keys = SigningKeys.load(dir, () => now);
    const first = keys.active.kid;
    now += 1000;
    const second = await keys.rotate();
    assert.deepEqual(
      keys.jwks().keys.map((k) => k.kid),
      [first, second],
    );
    now += (LONGEST_TOKEN_LIFETIME_SEC + RETIRED_KEY_MARGIN_SEC) * 1000 - 1;
    assert.deepEqual(
      keys.jwks().keys.map((k) => k.kid),
      [first, second],
      'a token signed just before rotation may still be valid',
    );
    now += 2;
    assert.deepEqual(
      keys.jwks().keys.map((k) => k.kid),
      [second],
    );
    assert.equal(SigningKeys.load(dir, () => now).active.kid, second, 'the active key survives a reload');
  });
});
