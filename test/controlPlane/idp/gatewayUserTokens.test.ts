/**
 * A person's access token from the built-in provider passes the gateway for the consumer's connections, as its
 * application tokens do (issue 24): same issuer, audience and keys; `client_id` names the consumer's keys.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { paths } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { gatewayCall, seed, upstream } from '../helpers/team';
import { ANN, CALLBACK, ENV, ORG, WEB_APP } from './fixture';
import { SignInBrowser } from './signInBrowser';

describe("built-in identity provider: a person's access token at the gateway", function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let up: Awaited<ReturnType<typeof upstream>>;

  before(async () => {
    cp = await ControlPlane.start();
    up = await upstream('greetings');
  });
  after(async () => {
    await cp?.stop();
    await up?.close();
  });

  it("passes the gateway for the consumer's connection", async () => {
    const s = await seed(cp, up.url, 'web-app');
    assert.equal((await cp.call('PUT', paths.keySettings(ORG, 'default', s.consumer, ENV), WEB_APP)).status, 200);
    assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), ANN)).status, 201);
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${cp.url}/oauth2/${ORG}/authorize`);
    const q = {
      response_type: 'code',
      client_id: s.clientId,
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
    const answer = await new SignInBrowser().signIn(url.href, ANN.username, ANN.password);
    const res = await fetch(`${cp.url}/oauth2/${ORG}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: s.clientId,
        code: new URL(answer.location!).searchParams.get('code')!,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
      }),
    });
    const tokens = (await res.json()) as { access_token: string; id_token: string };
    assert.equal(res.status, 200);
    assert.deepEqual(await gatewayCall(cp.url, s, tokens.access_token), { status: 200, text: 'greetings' });
    assert.equal((await gatewayCall(cp.url, s, tokens.id_token)).status, 401, 'an ID token is no access token');
  });
});
