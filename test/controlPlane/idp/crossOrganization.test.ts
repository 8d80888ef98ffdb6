/**
 * The built-in provider's sign-in as another organization would try it (issue 24 on a shared control plane): two
 * organizations with the same names in them (a test user `ann`, a consumer `web`), each with its own issuer. Nothing
 * one organization's issuer gives out counts at the other's: not a person's password or session, not a client, not a
 * code or a refresh token. And two writes that race for one name leave one user, not two.
 */
import * as assert from 'node:assert/strict';
import { paths, type IssuedKeys } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { ANN, appWith, CALLBACK, ENV, organizationWithUser, ORG, WEB_APP, pkce } from './fixture';
import { SignInBrowser } from './signInBrowser';

const OTHER = 'wayne-enterprises';
const OTHER_ANN = { ...ANN, password: 'another horse battery', email: 'ann@wayne.example' };

describe('built-in identity provider: one organization against another', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  const apps: Record<string, IssuedKeys> = {};
  const issuer = (org: string) => `${cp.url}/oauth2/${org}`;

  before(async () => {
    cp = await ControlPlane.start();
    await organizationWithUser(cp);
    assert.equal((await cp.call('POST', paths.orgs(), { name: 'Wayne Enterprises' })).status, 201);
    assert.equal((await cp.call('POST', paths.testUsers(OTHER, ENV), OTHER_ANN)).status, 201);
    apps[ORG] = await appWith(cp, 'web', WEB_APP);
    apps[OTHER] = await appWith(cp, 'web', WEB_APP, OTHER);
  });
  after(async () => {
    await cp?.stop();
  });

  function authorizeUrl(org: string, clientId: string, challenge: string) {
    const url = new URL(`${issuer(org)}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(k, v);
    return url.href;
  }

  const token = async (org: string, form: Record<string, string>) => {
    const res = await fetch(`${issuer(org)}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  /** Ann of `org` signs in to `org`'s web app: the code, its verifier and the browser (holding her session). */
  async function signedIn(org: string, password: string) {
    const browser = new SignInBrowser();
    const { verifier, challenge } = pkce();
    const answer = await browser.signIn(authorizeUrl(org, apps[org]!.authConfiguration.clientId, challenge), ANN.username, password);
    assert.equal(answer.status, 303, answer.body);
    return { browser, verifier, code: new URL(answer.location!).searchParams.get('code')! };
  }

  it("a test user's password counts only at her own organization's issuer, though the other has an ann too", async () => {
    const { challenge } = pkce();
    const atOther = await new SignInBrowser().signIn(authorizeUrl(OTHER, apps[OTHER]!.authConfiguration.clientId, challenge), ANN.username, ANN.password);
    assert.equal(atOther.status, 401, "stark-industries' ann's password at wayne-enterprises");
    assert.equal(atOther.location, undefined);
    await signedIn(OTHER, OTHER_ANN.password);
  });

  it("one organization's client cannot start a sign-in at the other's issuer", async () => {
    const answer = await new SignInBrowser().request(authorizeUrl(OTHER, apps[ORG]!.authConfiguration.clientId, pkce().challenge));
    assert.equal(answer.status, 400, answer.body);
    assert.equal(answer.location, undefined, "no redirect to the client's callback");
  });

  it("a session at one organization's issuer signs nobody in at the other's (the cookie sent there all the same)", async () => {
    const { browser } = await signedIn(ORG, ANN.password);
    // The browser here sends every cookie it holds to every path, as a cookie with a forged Path would be sent.
    const answer = await browser.request(authorizeUrl(OTHER, apps[OTHER]!.authConfiguration.clientId, pkce().challenge));
    assert.equal(answer.status, 200, 'the sign-in page, not a code');
    assert.equal(answer.location, undefined);
    assert.match(answer.body, /<form method="post"/);
  });

  it("a code or a refresh token from one organization's issuer is refused at the other's, even for a client of the same name", async () => {
    const { code, verifier } = await signedIn(ORG, ANN.password);
    const redeem = (org: string, clientId: string) =>
      token(org, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK });
    const crossed = await redeem(OTHER, apps[OTHER]!.authConfiguration.clientId);
    assert.equal(crossed.status, 400, JSON.stringify(crossed.body));
    assert.equal(crossed.body.error, 'invalid_grant');
    const wrongIssuer = await redeem(OTHER, apps[ORG]!.authConfiguration.clientId);
    assert.equal(wrongIssuer.body.access_token, undefined, JSON.stringify(wrongIssuer.body));

    const mine = await redeem(ORG, apps[ORG]!.authConfiguration.clientId);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const refreshed = await token(OTHER, {
      grant_type: 'refresh_token',
      client_id: apps[OTHER]!.authConfiguration.clientId,
      refresh_token: mine.body.refresh_token!,
    });
    assert.equal(refreshed.status, 400, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.access_token, undefined);
    // Its own issuer still takes it: the refusal above was about the issuer, not a spent token.
    const own = await token(ORG, { grant_type: 'refresh_token', client_id: apps[ORG]!.authConfiguration.clientId, refresh_token: mine.body.refresh_token! });
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });

  it("one organization's user token is not the other's: userinfo at the other issuer refuses it", async () => {
    const { code, verifier } = await signedIn(ORG, ANN.password);
    const mine = await token(ORG, {
      grant_type: 'authorization_code',
      client_id: apps[ORG]!.authConfiguration.clientId,
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    });
    const at = (org: string) => fetch(`${issuer(org)}/userinfo`, { headers: { authorization: `Bearer ${mine.body.access_token}` } }).then((r) => r.status);
    assert.equal(await at(ORG), 200);
    assert.equal(await at(OTHER), 401);
  });

  it('two Add User calls racing for one username leave one user and refuse the other (checked at the write, not before it)', async () => {
    for (let round = 0; round < 5; round++) {
      const username = `racer-${round}`;
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) => cp.call('POST', paths.testUsers(ORG, ENV), { username, password: `password-${i}-long` })),
      );
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
    }
    const users = (await cp.call('GET', paths.testUsers(ORG, ENV))).body as { items: { username: string }[] };
    assert.equal(users.items.filter((u) => u.username.startsWith('racer-')).length, 5);
  });
  it("wrong passwords for one organization's ann do not slow the other's ann down, even from the same address", async () => {
    const at = '127.0.0.41';
    const tryAt = (org: string, password: string) =>
      new SignInBrowser(at).signIn(authorizeUrl(org, apps[org]!.authConfiguration.clientId, pkce().challenge), ANN.username, password);
    for (let i = 0; i < 6; i++) await tryAt(OTHER, `wrong guess ${i}`);
    assert.equal((await tryAt(OTHER, OTHER_ANN.password)).status, 429, "the other organization's ann is slowed down at that address");
    const mine = await tryAt(ORG, ANN.password);
    assert.equal(mine.status, 303, `stark-industries' ann signs in from the same address: ${mine.body.slice(0, 200)}`);
  });

  it("deleting one organization's ann ends her sign-ins there only: the other's ann keeps refreshing", async () => {
    const tokensOf = async (org: string, password: string) => {
      const { code, verifier } = await signedIn(org, password);
      const clientId = apps[org]!.authConfiguration.clientId;
      const answer = await token(org, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return () => token(org, { grant_type: 'refresh_token', client_id: clientId, refresh_token: answer.body.refresh_token! });
    };
    const refreshMine = await tokensOf(ORG, ANN.password);
    const refreshTheirs = await tokensOf(OTHER, OTHER_ANN.password);
    assert.equal((await cp.call('DELETE', paths.testUser(OTHER, ENV, ANN.username))).status, 204);
    assert.equal((await refreshTheirs()).body.error, 'invalid_grant', "the deleted ann's refresh token is refused");
    const mine = await refreshMine();
    assert.equal(mine.status, 200, `the other ann's is not: ${JSON.stringify(mine.body)}`);
    const left = (await cp.call('GET', paths.testUsers(ORG, ENV))).body as { items: { username: string }[] };
    assert.ok(
      left.items.some((u) => u.username === ANN.username),
      'and she is still a user',
    );
  });
});
