/**
 * A person's access token whose sign-in was ended is refused at the gateway, not only at userinfo (issue 24). Each
 * way a grant ends (a replayed code, a reused refresh token, revocation by the app, sign-out, the user deleted, a new
 * password) on a real control plane process, with a real loopback upstream that counts the calls it gets: the token
 * from before passes once (so the gateway has a decision to forget), then gets 401 and the upstream is not reached.
 * A token of a grant still live, and an application token, keep passing.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { ORG as TEAM_ORG, seed, token as appToken, type Seed } from '../helpers/team';
import { ANN, CALLBACK, ENV, ORG, pkce, SIGNED_OUT, WEB_APP } from './fixture';
import { assertRevoked, call, countingUpstream } from './gatewayProbe';
import { SignInBrowser } from './signInBrowser';

describe("built-in identity provider: a person's token after the sign-in ended, at the gateway", function () {
  this.timeout(90_000);
  let cp: ControlPlane;
  let up: Awaited<ReturnType<typeof countingUpstream>>;
  let s: Seed;
  const issuer = () => `${cp.url}/oauth2/${ORG}`;

  before(async () => {
    cp = await ControlPlane.start();
    up = await countingUpstream();
    assert.equal(ORG, TEAM_ORG);
    s = await seed(cp, up.url, 'web');
    assert.equal(
      (
        await cp.call('PUT', paths.keySettings(ORG, 'default', s.consumer, ENV), {
          ...WEB_APP,
          grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
          publicClient: false,
        })
      ).status,
      200,
    );
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), ANN)).status, 201);
  });
  after(async () => {
    await cp?.stop();
    await up?.close();
  });

  async function tokenRequest(form: Record<string, string>) {
    const res = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${s.clientId}:${s.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }

  /** Signs `user` in through `browser`; answers the code. */
  async function code(user = ANN, browser = new SignInBrowser()) {
    const { verifier, challenge } = pkce();
    const url = new URL(`${issuer()}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: s.clientId,
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 'x',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(k, v);
    const answer = await browser.signIn(url.href, user.username, user.password);
    assert.equal(answer.status, 303, answer.body);
    return { code: new URL(answer.location!).searchParams.get('code')!, verifier };
  }
  const redeem = (c: { code: string; verifier: string }) =>
    tokenRequest({ grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: CALLBACK });

  /** Signs in and answers the tokens, after one gateway call that passed with the access token. */
  async function signedIn(user = ANN, browser = new SignInBrowser()) {
    const tokens = await redeem(await code(user, browser));
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    await passes(tokens.body.access_token, 'before the grant ended');
    return tokens.body;
  }

  async function passes(accessToken: string, what: string) {
    const before = up.calls();
    const answer = await call(cp.url, s, accessToken);
    assert.equal(answer.status, 200, `${what}: ${answer.text}`);
    assert.equal(up.calls(), before + 1, `${what}: the upstream was reached`);
  }

  async function refused(accessToken: string, what: string) {
    const before = up.calls();
    // Twice: the first answer is judged from the records, the second must not be a decision kept from before.
    for (let i = 0; i < 2; i++) assertRevoked(await call(cp.url, s, accessToken), what);
    assert.equal(up.calls(), before, `${what}: the upstream was not reached`);
  }

  it('after a code replay, the first use’s access token is refused', async () => {
    const c = await code();
    const first = await redeem(c);
    assert.equal(first.status, 200);
    await passes(first.body.access_token, 'the first use');
    assert.equal((await redeem(c)).body.error, 'invalid_grant');
    await refused(first.body.access_token, 'after the code was replayed');
  });

  it('after a refresh token is reused, every access token of its family is refused', async () => {
    const first = await signedIn();
    const rotated = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(rotated.status, 200);
    await passes(rotated.body.access_token, 'the rotated one');
    assert.equal((await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body.error, 'invalid_grant');
    await refused(first.access_token, 'the first, after the reuse');
    await refused(rotated.body.access_token, 'the rotated one, after the reuse');
  });

  it('after the app revokes its refresh token or its access token (RFC 7009), the access token is refused', async () => {
    for (const [hint, pick] of [
      ['refresh_token', (t: Record<string, string>) => t.refresh_token],
      ['access_token', (t: Record<string, string>) => t.access_token],
    ] as const) {
      const tokens = await signedIn();
      const res = await fetch(`${issuer()}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${s.clientId}:${s.secret}`).toString('base64')}` },
        body: new URLSearchParams({ token: pick(tokens), token_type_hint: hint }),
      });
      assert.equal(res.status, 200);
      await refused(tokens.access_token, `after revoking the ${hint}`);
    }
  });

  it("after the person signs out, that session's token is refused; another browser's sign-in still passes", async () => {
    const browser = new SignInBrowser();
    const tokens = await signedIn(ANN, browser);
    const elsewhere = await signedIn(ANN, new SignInBrowser());
    const out = await browser.request(
      `${issuer()}/logout?client_id=${s.clientId}&id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`,
    );
    assert.equal(out.status, 303, out.body);
    await refused(tokens.access_token, 'after sign-out');
    await passes(elsewhere.access_token, "the other browser's sign-in");
  });

  it("after a user's password is reset, their tokens are refused; another user's still pass", async () => {
    const bob = { ...ANN, username: 'bob', password: 'bobs password' };
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), bob)).status, 201);
    const bobs = await signedIn(bob);
    const anns = await signedIn();
    assert.equal((await cp.call('POST', paths.resetTestUserPassword(ORG, ENV, 'bob'), { password: 'a new password' })).status, 204);
    await refused(bobs.access_token, 'after the password reset');
    await passes(anns.access_token, "another user's token");
  });

  it("after a user is deleted, their tokens are refused; another user's still pass", async () => {
    const cat = { ...ANN, username: 'cat', password: 'cats password' };
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), cat)).status, 201);
    const cats = await signedIn(cat);
    const anns = await signedIn();
    assert.equal((await cp.call('DELETE', paths.testUser(ORG, ENV, 'cat'))).status, 204);
    await refused(cats.access_token, 'after the user was deleted');
    await passes(anns.access_token, "another user's token");
  });

  it('application tokens (client_credentials, no grant) are untouched', async () => {
    const app = await appToken(cp.url, s.clientId, s.secret);
    assert.equal(app.status, 200, JSON.stringify(app.body));
    await passes(app.accessToken!, 'an application token');
    await passes(app.accessToken!, 'an application token, again');
  });
});
