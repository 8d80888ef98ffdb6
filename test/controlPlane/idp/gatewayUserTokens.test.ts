/**
 * A person's access token from the built-in provider passes the gateway for the consumer's connections, as its
 * application tokens do (issue 24): same issuer, audience and keys; `client_id` names the consumer's keys.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { gatewayCall, seed, upstream } from '../helpers/team';
import { ANN, ENV, ORG, signedInTokens, WEB_APP } from './fixture';

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
    const tokens = await signedInTokens(cp.url, s.clientId);
    assert.deepEqual(await gatewayCall(cp.url, s, tokens.access_token), { status: 200, text: 'greetings' });
    assert.equal((await gatewayCall(cp.url, s, tokens.id_token)).status, 401, 'an ID token is no access token');
  });
});
