/**
 * The built-in identity provider's sign-in on a team control plane: two replicas of the real bundle on one
 * PostgreSQL. A sign-in started on one replica finishes on the other, a code is redeemed once whichever replicas race
 * for it, a refresh token is rotated once across replicas, and what a sign-in left survives a replica's restart.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { IssuedKeys, paths } from '../../../src/api';
import { PROJECT, startTeam, timeUntil, type Team } from '../helpers/team';
import { ANN, CALLBACK, ENV, ORG, WEB_APP } from './fixture';
import { assertRevoked, call, countingUpstream } from './gatewayProbe';
import { SignInBrowser } from './signInBrowser';

describe('team control plane: sign-in across replicas on PostgreSQL', function () {
  this.timeout(180_000);
  let team: Team;
  let clientId: string;

  before(async () => {
    team = await startTeam(2);
    const [a] = team.replicas;
    assert.equal((await a.call('POST', paths.orgs(), { name: 'Stark Industries' })).status, 201);
    assert.equal((await a.call('POST', paths.testUsers(ORG, ENV), ANN)).status, 201);
    assert.equal((await a.call('POST', paths.components(ORG, 'default'), { displayName: 'Web', name: 'web', type: 'external-consumer' })).status, 201);
    clientId = IssuedKeys.parse((await a.call('POST', `${paths.authFor(ORG, 'default', 'web', ENV)}/generate-keys`)).body).authConfiguration.clientId;
    assert.equal((await a.call('PUT', paths.keySettings(ORG, 'default', 'web', ENV), WEB_APP)).status, 200);
  });
  after(async () => {
    await team?.stop();
  });

  const issuerAt = (url: string) => `${url}/oauth2/${ORG}`;

  /** Opens the sign-in page on `start` and posts it to `finish`; answers the code and its verifier. */
  async function signIn(start: string, finish: string) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const browser = new SignInBrowser();
    const url = new URL(`${issuerAt(start)}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'x',
    }))
      url.searchParams.set(k, v);
    // The key settings were written through A; B reads them from the database (within the propagation bound).
    let page = await browser.request(url.href);
    for (let i = 0; page.status !== 200 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await browser.request(url.href);
    }
    assert.equal(page.status, 200, page.body);
    const { interaction, csrf } = SignInBrowser.form(page.body);
    const answer = await browser.request(`${issuerAt(finish)}/authorize`, 'POST', { interaction, csrf, username: ANN.username, password: ANN.password });
    assert.equal(answer.status, 303, answer.body);
    return { code: new URL(answer.location!).searchParams.get('code')!, verifier };
  }

  async function token(at: string, form: Record<string, string>) {
    const res = await fetch(`${issuerAt(at)}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, ...form }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }
  const redeem = (at: string, c: { code: string; verifier: string }) =>
    token(at, { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: CALLBACK });

  it('finishes on one replica a sign-in started on the other', async () => {
    const [a, b] = team.replicas;
    const c = await signIn(a.url, b.url);
    const tokens = await redeem(a.url, c);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.ok(tokens.body.id_token);
  });

  it('redeems a code once when both replicas race for it', async () => {
    const [a, b] = team.replicas;
    for (let round = 0; round < 10; round++) {
      const c = await signIn(a.url, b.url);
      const answers = await Promise.all([redeem(a.url, c), redeem(b.url, c), redeem(a.url, c), redeem(b.url, c)]);
      const ok = answers.filter((x) => x.status === 200);
      assert.equal(ok.length, 1, `round ${round}: ${answers.map((x) => x.status).join(', ')}`);
      for (const x of answers) if (x.status !== 200) assert.equal(x.body.error, 'invalid_grant');
      // The replay revoked what the one success got.
      const refreshed = await token(b.url, { grant_type: 'refresh_token', refresh_token: ok[0].body.refresh_token });
      assert.equal(refreshed.body.error, 'invalid_grant', `round ${round}`);
    }
  });

  it('rotates a refresh token once when both replicas race for it', async () => {
    const [a, b] = team.replicas;
    const first = await redeem(a.url, await signIn(a.url, a.url));
    const answers = await Promise.all([a, b, a, b].map((r) => token(r.url, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token })));
    assert.ok(answers.filter((x) => x.status === 200).length <= 1, answers.map((x) => x.status).join(', '));
    assert.ok(answers.some((x) => x.body.error === 'invalid_grant'));
  });

  it('enforces key settings changed through one replica on the other within 1 s', async () => {
    const [a, b] = team.replicas;
    const tokens = await redeem(b.url, await signIn(b.url, b.url));
    assert.equal((await a.call('PUT', paths.keySettings(ORG, 'default', 'web', ENV), { ...WEB_APP, grantTypes: ['authorization_code'] })).status, 200);
    const started = performance.now();
    let answer = await token(b.url, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    while (answer.status === 200 && performance.now() - started < 5_000) {
      answer = await token(b.url, { grant_type: 'refresh_token', refresh_token: answer.body.refresh_token });
    }
    const took = performance.now() - started;
    assert.equal(answer.body.error, 'unauthorized_client');
    assert.ok(took < 1_000, `Refresh Token still allowed on B ${took.toFixed(0)} ms after it was removed through A`);
    assert.equal((await a.call('PUT', paths.keySettings(ORG, 'default', 'web', ENV), WEB_APP)).status, 200);
  });

  it("refuses at one replica, within 1 s, a person's token whose sign-in was ended through the other; a replica started after refuses it at once", async () => {
    const [a, b] = team.replicas;
    const up = await countingUpstream();
    try {
      const service = { service: 'greetings' };
      const made = await a.call('POST', paths.components(ORG, PROJECT), {
        name: service.service,
        displayName: 'Greetings',
        type: 'service',
        endpoints: [{ name: 'api', upstreamUrls: { [ENV]: up.url } }],
      });
      assert.equal(made.status, 201, made.text);
      const connected = await a.call('POST', `${paths.component(ORG, PROJECT, 'web')}/connections`, {
        name: 'greetings',
        serviceComponentName: service.service,
        endpointName: 'api',
      });
      assert.equal(connected.status, 201, connected.text);
      const ended = await redeem(a.url, await signIn(a.url, a.url));
      const live = await redeem(a.url, await signIn(a.url, a.url));
      // B passes both (the service and connection written through A reach it within the bound), and keeps its decisions.
      for (const t of [ended, live]) await timeUntil(async () => (await call(b.url, service, t.body.access_token)).status === 200);

      const revoked = await fetch(`${issuerAt(a.url)}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, token: ended.body.refresh_token }),
      });
      assert.equal(revoked.status, 200);
      const took = await timeUntil(async () => (await call(b.url, service, ended.body.access_token)).status === 401);
      assert.ok(took < 1_000, `B passed the token ${took.toFixed(0)} ms after its grant ended through A`);
      const reached = up.calls();
      assertRevoked(await call(b.url, service, ended.body.access_token), 'at B');
      assertRevoked(await call(a.url, service, ended.body.access_token), 'at A');
      assert.equal(up.calls(), reached, 'the upstream was not reached once refused');
      assert.equal((await call(b.url, service, live.body.access_token)).status, 200, "another sign-in's token still passes at B");

      // A replica that never saw the token: its first answer comes from the database.
      const c = await team.start();
      assertRevoked(await call(c.url, service, ended.body.access_token), 'at a replica started after');
      assert.equal((await call(c.url, service, live.body.access_token)).status, 200, "another sign-in's token passes there");
      assert.equal(up.calls(), reached + 2);
    } finally {
      await up.close();
    }
  });

  it("keeps users, sessions and refresh tokens across a replica's restart", async () => {
    const [a] = team.replicas;
    const tokens = await redeem(a.url, await signIn(a.url, a.url));
    await Promise.all(team.replicas.map((r) => r.kill()));
    team.replicas.length = 0;
    const c = await team.start();
    const refreshed = await token(c.url, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const again = await signIn(c.url, c.url);
    assert.equal((await redeem(c.url, again)).status, 200);
  });
});
