// Get Test Token's verdict on real tokens signed with jose: what the gateway would accept, and what it names as wrong.
import * as assert from 'node:assert/strict';
import { checkAccessToken } from '../../../src/client/testToken';

describe('Get Test Token: checking an access token', () => {
  const issuer = 'http://127.0.0.1:7480/oauth2/stark-industries';
  let key: CryptoKey;
  // jose is ESM-only; this file compiles as CommonJS.
  let SignJWT: (typeof import('jose', { with: { 'resolution-mode': 'import' } }))['SignJWT'];
  before(async () => {
    const jose = await import('jose');
    SignJWT = jose.SignJWT;
    key = (await jose.generateKeyPair('ES256')).privateKey;
  });
  const sign = (claims: Record<string, unknown>, alg = 'ES256', k: CryptoKey | Uint8Array = key) =>
    new SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(k);

  it('accepts a JWT from the right issuer for the right client', async () => {
    const r = await checkAccessToken(await sign({ iss: issuer, client_id: 'abc', sub: 'abc' }), { issuer, clientId: 'abc' });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(r.claims?.client_id, 'abc');
  });

  it('names a wrong issuer and a wrong client ID', async () => {
    const r = await checkAccessToken(await sign({ iss: 'https://other', client_id: 'xyz' }), { issuer, clientId: 'abc' });
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /Issuer is "https:\/\/other"/);
    assert.match(r.problems[1]!, /"xyz", expected "abc"/);
  });

  it('says an opaque token is not a JWT and how to fix it', async () => {
    const r = await checkAccessToken('2YotnFZFEjr1zCsicMWpAA', { issuer, clientId: 'abc' });
    assert.equal(r.ok, false);
    assert.match(r.problems[0]!, /not a JWT.*access token type.*JWT/);
  });

  it('refuses a symmetric (HS256) signature', async () => {
    const r = await checkAccessToken(await sign({ iss: issuer, client_id: 'abc' }, 'HS256', new Uint8Array(32).fill(7)), { issuer, clientId: 'abc' });
    assert.equal(r.ok, false);
    assert.match(r.problems.join(' '), /HS256/);
  });

  it('uses azp when there is no client_id claim, and reports an expired token', async () => {
    const token = await sign({ iss: issuer, azp: 'abc' });
    assert.equal((await checkAccessToken(token, { issuer, clientId: 'abc' })).ok, true);
    const later = Math.floor(Date.now() / 1000) + 3600;
    assert.match((await checkAccessToken(token, { issuer, clientId: 'abc', now: later })).problems.join(' '), /expired/);
  });
});
