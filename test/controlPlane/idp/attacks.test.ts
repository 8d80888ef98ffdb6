/**
 * Attacks on the built-in identity provider's sign-in (issue 24), each against a real control plane. Each was seen
 * failing on a deliberately broken variant of the authorization server (listed in docs/TESTING.md).
 */
import * as assert from 'node:assert/strict';
import { DEFAULT_KEY_SETTINGS, paths, type IssuedKeys } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { ANN, appWith, CALLBACK, ENV, NATIVE_CALLBACK, organizationWithUser, ORG, WEB_APP, pkce } from './fixture';
import { SignInBrowser, type Answer } from './signInBrowser';

describe('built-in identity provider: attacks on sign-in', function () {
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

  function authorizeUrl(params: Record<string, string | undefined> = {}, clientId = web.authConfiguration.clientId) {
    const url = new URL(`${issuer}/authorize`);
    const all: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 's1',
      code_challenge_method: 'S256',
      ...params,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
    return url.href;
  }

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }

  /** Signs Ann in and answers the code and its verifier. */
  async function code(browser = new SignInBrowser(), redirectUri = CALLBACK) {
    const { verifier, challenge } = pkce();
    const answer = await browser.signIn(authorizeUrl({ code_challenge: challenge, redirect_uri: redirectUri }), ANN.username, ANN.password);
    assert.equal(answer.status, 303, answer.body);
    return { code: new URL(answer.location!).searchParams.get('code')!, verifier, redirectUri };
  }

  const redeem = (c: { code: string; verifier?: string; redirectUri: string }) =>
    token({
      grant_type: 'authorization_code',
      client_id: web.authConfiguration.clientId,
      code: c.code,
      redirect_uri: c.redirectUri,
      ...(c.verifier !== undefined && { code_verifier: c.verifier }),
    });

  const userinfo = (accessToken: string) => fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status);

  function noRedirect(answer: Answer, title: RegExp) {
    assert.equal(answer.status, 400);
    assert.equal(answer.location, undefined, 'no redirect');
    assert.match(answer.headers['content-type'] ?? '', /text\/html/);
    assert.match(answer.body, title);
  }

  it('an unregistered or near-miss redirect_uri gets an error page, never a redirect', async () => {
    const browser = new SignInBrowser();
    for (const uri of [
      'https://evil.example.com/callback',
      `${CALLBACK}/`,
      `${CALLBACK}?next=https://evil.example.com`,
      'https://app.example.com/callback/../callback',
      'https://app.example.com.evil.com/callback',
      'HTTPS://app.example.com/callback',
      'https://app.example.com:443/callback',
      'http://127.0.0.1.evil.com/callback',
      'http://localhost:4000/callback',
      'http://127.0.0.1:4000/callback/evil',
    ]) {
      noRedirect(await browser.request(authorizeUrl({ redirect_uri: uri, code_challenge: pkce().challenge })), /Callback URL not registered/);
    }
    // The loopback rule of RFC 8252 §7.3: any port of a registered 127.0.0.1 callback.
    const native = await browser.request(authorizeUrl({ redirect_uri: 'http://127.0.0.1:51234/callback', code_challenge: pkce().challenge }));
    assert.equal(native.status, 200);
  });

  it('logout returns only to a registered logout URL (no open redirect)', async () => {
    const browser = new SignInBrowser();
    for (const uri of ['https://evil.example.com/', `${CALLBACK}`, 'https://app.example.com/signed-out/']) {
      const url = `${issuer}/logout?client_id=${web.authConfiguration.clientId}&post_logout_redirect_uri=${encodeURIComponent(uri)}`;
      noRedirect(await browser.request(url), /Sign-out URL not registered/);
    }
    noRedirect(
      await browser.request(`${issuer}/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example.com/')}`),
      /Sign-out URL not registered/,
    );
  });

  it('a replayed code is refused, and the tokens of its first use are revoked', async () => {
    const c = await code();
    const first = await redeem(c);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(await userinfo(first.body.access_token), 200);
    const replay = await redeem(c);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(await userinfo(first.body.access_token), 401, 'the first access token is revoked');
    const refreshed = await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: first.body.refresh_token });
    assert.equal(refreshed.body.error, 'invalid_grant', 'the first refresh token is revoked');
  });

  it('PKCE: a missing or wrong verifier is refused; plain and a missing challenge never get a code', async () => {
    const missing = await code();
    assert.equal((await redeem({ ...missing, verifier: undefined })).body.error, 'invalid_grant');
    const wrong = await code();
    assert.equal((await redeem({ ...wrong, verifier: pkce().verifier })).body.error, 'invalid_grant');
    // A refused attempt leaves the code: the genuine app, with the right verifier, still redeems it.
    assert.equal((await redeem(wrong)).status, 200);
    const browser = new SignInBrowser();
    const plain = await browser.request(authorizeUrl({ code_challenge: pkce().verifier, code_challenge_method: 'plain' }));
    assert.equal(plain.status, 303);
    assert.equal(new URL(plain.location!).searchParams.get('error'), 'invalid_request');
    assert.equal(new URL(plain.location!).searchParams.get('code'), null);
    const none = await browser.request(authorizeUrl({ code_challenge_method: undefined }));
    assert.equal(new URL(none.location!).searchParams.get('error'), 'invalid_request');
  });

  it('a code counts only for the client and the redirect_uri it was issued to (RFC 9700 §4.5: code injection)', async () => {
    const other = await appWith(cp, 'other-web', WEB_APP);
    const stolen = await code();
    const injected = await token({
      grant_type: 'authorization_code',
      client_id: other.authConfiguration.clientId,
      code: stolen.code,
      code_verifier: stolen.verifier,
      redirect_uri: CALLBACK,
    });
    assert.equal(injected.body.error, 'invalid_grant', JSON.stringify(injected.body));
    assert.equal(injected.body.access_token, undefined);
    const elsewhere = await code();
    const moved = await redeem({ ...elsewhere, redirectUri: NATIVE_CALLBACK });
    assert.equal(moved.body.error, 'invalid_grant', JSON.stringify(moved.body));
    assert.equal(moved.body.access_token, undefined);
  });

  it('PKCE downgrade: a confidential client whose keys require PKCE gets no code without a challenge, and no token without the verifier', async () => {
    const server = await appWith(cp, 'server-web', { ...WEB_APP, publicClient: false, pkceRequired: true });
    const browser = new SignInBrowser();
    const stripped = await browser.signIn(authorizeUrl({ code_challenge_method: undefined }, server.authConfiguration.clientId), ANN.username, ANN.password);
    assert.equal(stripped.status, 303, stripped.body);
    assert.equal(new URL(stripped.location!).searchParams.get('error'), 'invalid_request');
    assert.equal(new URL(stripped.location!).searchParams.get('code'), null);
    const { verifier, challenge } = pkce();
    const answer = await browser.signIn(authorizeUrl({ code_challenge: challenge }, server.authConfiguration.clientId), ANN.username, ANN.password);
    const issued = new URL(answer.location!).searchParams.get('code')!;
    const basic = { authorization: `Basic ${Buffer.from(`${server.authConfiguration.clientId}:${server.clientSecret}`).toString('base64')}` };
    const withoutVerifier = await token({ grant_type: 'authorization_code', code: issued, redirect_uri: CALLBACK }, basic);
    assert.equal(withoutVerifier.body.error, 'invalid_grant', 'the secret does not stand in for the verifier');
    const withVerifier = await token({ grant_type: 'authorization_code', code: issued, redirect_uri: CALLBACK, code_verifier: verifier }, basic);
    assert.equal(withVerifier.status, 200, JSON.stringify(withVerifier.body));
  });

  it('a reused refresh token is refused and revokes its family', async () => {
    const first = await redeem(await code());
    const rotated = await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: first.body.refresh_token });
    assert.equal(rotated.status, 200);
    const reuse = await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: first.body.refresh_token });
    assert.equal(reuse.body.error, 'invalid_grant');
    const next = await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: rotated.body.refresh_token });
    assert.equal(next.body.error, 'invalid_grant', 'the rotated token went with its family');
  });

  it("login CSRF: a sign-in form posted without the browser's own cookie signs nobody in", async () => {
    const attacker = new SignInBrowser();
    const page = await attacker.request(authorizeUrl({ code_challenge: pkce().challenge }));
    const { action, interaction, csrf } = SignInBrowser.form(page.body);
    // The victim's browser posts the attacker's form (an auto-submitting form on the attacker's site).
    const victim = new SignInBrowser();
    const forged = await victim.request(new URL(action, issuer).href, 'POST', { interaction, csrf, username: ANN.username, password: ANN.password });
    assert.equal(forged.status, 403);
    assert.equal(forged.location, undefined);
    // The victim's own sign-in cookie does not fit the attacker's form either.
    await victim.request(authorizeUrl({ code_challenge: pkce().challenge }));
    const mixed = await victim.request(new URL(action, issuer).href, 'POST', { interaction, csrf, username: ANN.username, password: ANN.password });
    assert.equal(mixed.status, 403);
    assert.equal(victim.cookies.has('choreo_session'), false);
  });

  it('the sign-in page refuses to be framed, runs no script and loads nothing', async () => {
    const page = await new SignInBrowser().request(authorizeUrl({ code_challenge: pkce().challenge }));
    assert.equal(page.status, 200);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(page.body, /<script|<link|<img|src=/i);
    assert.match(page.body, /prefers-color-scheme: dark/);
    assert.match(page.body, /<strong>web<\/strong> asks you to sign in/);
    assert.match(page.body, /<strong>Development<\/strong>/);
  });

  it('reflects nothing unescaped', async () => {
    const browser = new SignInBrowser();
    const hostile = '"><script>alert(1)</script><x y=\'';
    const page = await browser.request(authorizeUrl({ code_challenge: pkce().challenge, state: hostile, nonce: hostile }));
    assert.equal(page.body.includes('<script>'), false);
    const { action, interaction, csrf } = SignInBrowser.form(page.body);
    const again = await browser.request(new URL(action, issuer).href, 'POST', { interaction, csrf, username: hostile, password: 'wrong password' });
    assert.equal(again.status, 401);
    assert.equal(again.body.includes('<script>'), false, 'the username is escaped');
    assert.match(again.body, /&#34;&#62;&#60;script&#62;/);
    const unknown = await browser.request(authorizeUrl({ client_id: hostile }));
    assert.equal(unknown.body.includes('<script>'), false);
  });

  it('a public client cannot use client_credentials, even with the secret it was given', async () => {
    const basic = Buffer.from(`${web.authConfiguration.clientId}:${web.clientSecret}`).toString('base64');
    const res = await token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'unauthorized_client');
    // A confidential app with default key settings keeps getting its application tokens.
    const bot = await appWith(cp, 'bot', DEFAULT_KEY_SETTINGS);
    const ok = await token(
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${Buffer.from(`${bot.authConfiguration.clientId}:${bot.clientSecret}`).toString('base64')}` },
    );
    assert.equal(ok.status, 200);
  });

  it("a deleted user's refresh token is refused; a reset password ends sessions", async () => {
    const bob = { username: 'bob', password: 'bobs password' };
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), bob)).status, 201);
    const browser = new SignInBrowser();
    const { verifier, challenge } = pkce();
    const answer = await browser.signIn(authorizeUrl({ code_challenge: challenge }), bob.username, bob.password);
    const tokens = await redeem({ code: new URL(answer.location!).searchParams.get('code')!, verifier, redirectUri: CALLBACK });
    assert.equal(tokens.status, 200);
    assert.equal((await cp.call('POST', paths.resetTestUserPassword(ORG, ENV, 'bob'), { password: 'a new password' })).status, 204);
    const afterReset = await browser.request(authorizeUrl({ code_challenge: challenge }));
    assert.equal(afterReset.status, 200, 'the session ended: the sign-in page again');
    assert.equal(
      (await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: tokens.body.refresh_token })).body.error,
      'invalid_grant',
    );
    const again = await browser.signIn(authorizeUrl({ code_challenge: challenge }), bob.username, 'a new password');
    const second = await redeem({ code: new URL(again.location!).searchParams.get('code')!, verifier, redirectUri: CALLBACK });
    assert.equal((await cp.call('DELETE', paths.testUser(ORG, ENV, 'bob'))).status, 204);
    const refused = await token({ grant_type: 'refresh_token', client_id: web.authConfiguration.clientId, refresh_token: second.body.refresh_token });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.equal(await userinfo(second.body.access_token), 401);
  });

  it('password guessing is slowed per (user, address): then no password is checked, and other addresses still sign in', async () => {
    const carol = { username: 'carol', password: 'carols password' };
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), carol)).status, 201);
    const attacker = new SignInBrowser('127.0.0.2');
    let last: Answer | undefined;
    for (let i = 0; i < 6; i++) last = await attacker.signIn(authorizeUrl({ code_challenge: pkce().challenge }), carol.username, `guess ${i}`);
    assert.equal(last!.status, 401);
    // Closed: even the right password is not checked from this address.
    const right = await attacker.signIn(authorizeUrl({ code_challenge: pkce().challenge }), carol.username, carol.password);
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers['retry-after']) > 0);
    assert.equal(right.location, undefined);
    // Carol, at her own address, is not locked out.
    const carolsBrowser = new SignInBrowser('127.0.0.3');
    const ok = await carolsBrowser.signIn(authorizeUrl({ code_challenge: pkce().challenge }), carol.username, carol.password);
    assert.equal(ok.status, 303);
    assert.ok(new URL(ok.location!).searchParams.get('code'));
  });

  it('password guessing across many users from one address is slowed per address', async () => {
    const sprayer = new SignInBrowser('127.0.0.4');
    let status = 0;
    for (let i = 0; i < 31 && status !== 429; i++)
      status = (await sprayer.signIn(authorizeUrl({ code_challenge: pkce().challenge }), `user${i}`, 'password1')).status;
    const right = await sprayer.signIn(authorizeUrl({ code_challenge: pkce().challenge }), ANN.username, ANN.password);
    assert.equal(right.status, 429, 'closed for every user from this address');
    const ann = await new SignInBrowser('127.0.0.5').signIn(authorizeUrl({ code_challenge: pkce().challenge }), ANN.username, ANN.password);
    assert.equal(ann.status, 303);
  });

  it("a test user of another environment cannot sign in to an app's Development keys", async () => {
    assert.equal((await cp.call('POST', paths.testUsers(ORG, 'production'), { username: 'pat', password: 'pats password' })).status, 201);
    const answer = await new SignInBrowser('127.0.0.6').signIn(authorizeUrl({ code_challenge: pkce().challenge }), 'pat', 'pats password');
    assert.equal(answer.status, 401);
  });

  it('a native app returns to its loopback callback on any port', async () => {
    const c = await code(new SignInBrowser(), 'http://127.0.0.1:49152/callback');
    assert.equal((await redeem(c)).status, 200);
    assert.equal(NATIVE_CALLBACK, 'http://127.0.0.1/callback');
  });
});
