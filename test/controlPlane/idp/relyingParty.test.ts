/**
 * The built-in identity provider signs a person in for a relying party nobody here wrote: openid-client runs
 * discovery, authorization code + PKCE + state + nonce, ID token validation, userinfo, refresh rotation, revocation
 * and logout against a real control plane (issue 24).
 */
import * as assert from 'node:assert/strict';
import { gatewayAudience, type IssuedKeys } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { ANN, appWith, CALLBACK, organizationWithUser, ORG, SIGNED_OUT, WEB_APP } from './fixture';
import { SignInBrowser } from './signInBrowser';

const oidc = () => import('openid-client');
/** openid-client refuses plain http unless told: the test's control plane is plain HTTP on loopback. */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to make it stand out, as its docs say
const plainHttp = (c: Awaited<ReturnType<typeof oidc>>) => c.allowInsecureRequests;
const jose = () => import('jose');

describe('built-in identity provider: a relying party signs a person in (openid-client)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let web: IssuedKeys;
  let issuer: string;

  before(async () => {
    cp = await ControlPlane.start();
    await organizationWithUser(cp);
    web = await appWith(cp, 'web', WEB_APP);
    issuer = `${cp.url}/oauth2/${ORG}`;
  });
  after(async () => {
    await cp?.stop();
  });

  async function config() {
    const c = await oidc();
    return c.discovery(new URL(issuer), web.authConfiguration.clientId, { id_token_signed_response_alg: 'ES256' }, c.None(), {
      execute: [plainHttp(c)],
    });
  }

  async function signIn(browser = new SignInBrowser()) {
    const c = await oidc();
    const cfg = await config();
    const verifier = c.randomPKCECodeVerifier();
    const state = c.randomState();
    const nonce = c.randomNonce();
    const url = c.buildAuthorizationUrl(cfg, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      code_challenge: await c.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const answer = await browser.signIn(url.href, ANN.username, ANN.password);
    assert.equal(answer.status, 303, answer.body);
    assert.ok(answer.location?.startsWith(`${CALLBACK}?`), answer.location);
    const tokens = await c.authorizationCodeGrant(cfg, new URL(answer.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    return { cfg, tokens, nonce, browser, location: new URL(answer.location!) };
  }

  it('publishes what it supports, and only that', async () => {
    const cfg = await config();
    const m = cfg.serverMetadata();
    assert.deepEqual(m.response_types_supported, ['code']);
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.equal(m.authorization_response_iss_parameter_supported, true);
    assert.equal(m.authorization_endpoint, `${issuer}/authorize`);
    assert.equal(m.end_session_endpoint, `${issuer}/logout`);
  });

  it('signs a test user in with code + PKCE + state + nonce: an ID token with nonce, auth_time and sid; an RFC 9068 access token', async () => {
    const { tokens, nonce, location } = await signIn();
    assert.equal(location.searchParams.get('iss'), issuer, 'RFC 9207');
    const id = tokens.claims()!;
    assert.equal(id.iss, issuer);
    assert.equal(id.aud, web.authConfiguration.clientId);
    assert.equal(id.nonce, nonce);
    assert.equal(typeof id.auth_time, 'number');
    assert.equal(typeof id.sid, 'string');
    assert.equal(id.preferred_username, 'ann');
    assert.deepEqual(id.groups, ANN.groups);
    const j = await jose();
    const { payload, protectedHeader } = await j.jwtVerify(tokens.access_token, j.createRemoteJWKSet(new URL(`${issuer}/jwks`)), {
      issuer,
      audience: gatewayAudience(cp.url),
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, id.sub);
    assert.equal(payload.client_id, web.authConfiguration.clientId);
    assert.equal(payload.scope, 'openid profile email');
    assert.deepEqual(payload.groups, ANN.groups);
    assert.equal(tokens.expires_in, WEB_APP.expiry.userAccessToken);
  });

  it('answers userinfo for the access token', async () => {
    const c = await oidc();
    const { cfg, tokens } = await signIn();
    const info = await c.fetchUserInfo(cfg, tokens.access_token, tokens.claims()!.sub);
    assert.equal(info.email, ANN.email);
    assert.equal(info.name, 'Ann Lee');
    assert.deepEqual(info.groups, ANN.groups);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const c = await oidc();
    const { cfg, tokens } = await signIn();
    const first = tokens.refresh_token!;
    const second = await c.refreshTokenGrant(cfg, first);
    assert.ok(second.refresh_token && second.refresh_token !== first, 'a new refresh token');
    assert.equal(second.claims()!.sub, tokens.claims()!.sub);
    const third = await c.refreshTokenGrant(cfg, second.refresh_token!);
    await assert.rejects(c.refreshTokenGrant(cfg, first), (e: any) => e.error === 'invalid_grant');
    // The reuse revoked the family: the newest token and its access token are gone too.
    await assert.rejects(c.refreshTokenGrant(cfg, third.refresh_token!), (e: any) => e.error === 'invalid_grant');
    await assert.rejects(c.fetchUserInfo(cfg, third.access_token, tokens.claims()!.sub));
  });

  it('revokes a refresh token (RFC 7009), with its access tokens', async () => {
    const c = await oidc();
    const { cfg, tokens } = await signIn();
    await c.tokenRevocation(cfg, tokens.refresh_token!);
    await assert.rejects(c.refreshTokenGrant(cfg, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant');
    await assert.rejects(c.fetchUserInfo(cfg, tokens.access_token, tokens.claims()!.sub));
    await c.tokenRevocation(cfg, 'never-issued'); // unknown tokens: 200 all the same
  });

  it('signs a person in for a confidential server-side app (client_secret_basic), which still gets application tokens', async () => {
    const c = await oidc();
    const server = await appWith(cp, 'server-app', {
      ...WEB_APP,
      publicClient: false,
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    });
    const cfg = await c.discovery(
      new URL(issuer),
      server.authConfiguration.clientId,
      { id_token_signed_response_alg: 'ES256' },
      c.ClientSecretBasic(server.clientSecret),
      { execute: [plainHttp(c)] },
    );
    const verifier = c.randomPKCECodeVerifier();
    const url = c.buildAuthorizationUrl(cfg, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: await c.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const answer = await new SignInBrowser().signIn(url.href, ANN.username, ANN.password);
    const tokens = await c.authorizationCodeGrant(cfg, new URL(answer.location!), { pkceCodeVerifier: verifier, expectedState: 'st' });
    assert.equal(tokens.claims()!.aud, server.authConfiguration.clientId);
    // Without its secret, the code exchange of a confidential app is refused.
    const noSecret = await c.discovery(new URL(issuer), server.authConfiguration.clientId, { id_token_signed_response_alg: 'ES256' }, c.None(), {
      execute: [plainHttp(c)],
    });
    await assert.rejects(c.refreshTokenGrant(noSecret, tokens.refresh_token!), (e: any) => e.status === 401 || e.error === 'invalid_client');
    const app = await c.clientCredentialsGrant(cfg);
    assert.ok(app.access_token);
  });

  it('signs out (RP-initiated logout) to a registered URL, ending the session and its tokens', async () => {
    const c = await oidc();
    const { cfg, tokens, browser } = await signIn();
    // The session signs the same browser in again without the page.
    const again = await browser.request(
      c.buildAuthorizationUrl(cfg, {
        redirect_uri: CALLBACK,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).href,
    );
    assert.equal(again.status, 303);
    const url = c.buildEndSessionUrl(cfg, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
    const out = await browser.request(url.href);
    assert.equal(out.status, 303);
    assert.equal(out.location, `${SIGNED_OUT}?state=bye`);
    await assert.rejects(c.refreshTokenGrant(cfg, tokens.refresh_token!), (e: any) => e.error === 'invalid_grant');
    const after = await browser.request(
      c.buildAuthorizationUrl(cfg, {
        redirect_uri: CALLBACK,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).href,
    );
    assert.equal(after.status, 200, 'signed out: the sign-in page again');
    assert.match(after.body, /<form method="post"/);
  });
});
