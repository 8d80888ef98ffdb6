/**
 * An external identity provider's life over HTTP against the control plane process (issue 15): who uses it
 * (`usedBy`, in the list and in one), Refresh after its discovery document and JWKS changed (`changes`), Refresh
 * refused while its JWKS does not answer, and Delete refused while in use (`uses`) then allowed once the keys are
 * removed. The provider is a small test issuer whose documents the test changes.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { paths } from '../../../src/api/routes';
import { ControlPlane } from '../helpers/controlPlane';

const ORG = 'stark-industries';
const P = 'default';

/** An issuer at http://127.0.0.1:port whose discovery document and JWKS are whatever the test sets. */
async function testIssuer() {
  const state = { issuerSuffix: '', tokenPath: '/token', jwksPath: '/jwks', kids: ['k1', 'k2'], jwksStatus: 200 };
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') {
      return json(200, { issuer: `${base}${state.issuerSuffix}`, token_endpoint: `${base}${state.tokenPath}`, jwks_uri: `${base}${state.jwksPath}` });
    }
    if (req.url === state.jwksPath) {
      if (state.jwksStatus !== 200) return json(state.jwksStatus, { error: 'down' });
      return json(200, { keys: state.kids.map((kid) => ({ kty: 'EC', crv: 'P-256', use: 'sig', kid, x: 'x', y: 'y' })) });
    }
    json(404, {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('external identity provider: usage, refresh and delete (control plane process)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let issuer: Awaited<ReturnType<typeof testIssuer>>;
  let id: string;

  async function ok(method: string, path: string, body?: unknown) {
    const res = await cp.call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }
  const refresh = () => cp.call('POST', `${paths.identityProvider(ORG, id)}/refresh`);

  before(async () => {
    issuer = await testIssuer();
    cp = await ControlPlane.start();
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    id = (await ok('POST', paths.identityProviders(ORG), { name: 'Stark IdP', wellKnownUrl: `${issuer.base}/.well-known/openid-configuration` })).id;
    for (const name of ['mobile-app', 'web-portal']) await ok('POST', paths.components(ORG, P), { name, displayName: name, type: 'external-consumer' });
    await ok('PUT', `${paths.authFor(ORG, P, 'mobile-app', 'development')}/external`, { identityProviderId: id, clientId: 'mobile' });
    await ok('PUT', `${paths.authFor(ORG, P, 'mobile-app', 'production')}/external`, { identityProviderId: id, clientId: 'mobile-prod' });
    await ok('POST', `${paths.authFor(ORG, P, 'web-portal', 'development')}/generate-keys`);
  });
  after(async () => {
    await cp?.stop();
    await issuer?.close();
  });

  it('says who uses each provider, with the environment, in the list and in one', async () => {
    const use = (name: string, environment: string) => ({ orgHandle: ORG, projectHandle: P, componentName: name, displayName: name, environment });
    const list = await ok('GET', paths.identityProviders(ORG));
    assert.deepEqual(
      list.items.map((i: { name: string; usedBy: unknown }) => [i.name, i.usedBy]),
      [
        ['Choreo Built-in Identity Provider', [use('web-portal', 'development')]],
        ['Stark IdP', [use('mobile-app', 'development'), use('mobile-app', 'production')]],
      ],
    );
    assert.deepEqual((await ok('GET', paths.identityProvider(ORG, id))).usedBy, list.items[1].usedBy);
  });

  it('refresh with nothing changed reports no changes', async () => {
    const res = await refresh();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.changes, []);
    assert.ok(res.body.provider.refreshedAt);
    assert.equal(res.body.provider.usedBy.length, 2);
  });

  it('refresh re-reads the discovery document and the JWKS and reports what changed', async () => {
    Object.assign(issuer.state, { issuerSuffix: '/', tokenPath: '/oauth2/token', jwksPath: '/keys', kids: ['k3', 'k2'] });
    const res = await refresh();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.changes, [
      { field: 'issuer', before: issuer.base, after: `${issuer.base}/` },
      { field: 'tokenEndpoint', before: `${issuer.base}/token`, after: `${issuer.base}/oauth2/token` },
      { field: 'jwksUri', before: `${issuer.base}/jwks`, after: `${issuer.base}/keys` },
      { field: 'signingKeys', before: 'k1, k2', after: 'k2, k3' },
    ]);
    const stored = await ok('GET', paths.identityProvider(ORG, id));
    assert.equal(stored.tokenEndpoint, `${issuer.base}/oauth2/token`);
    assert.equal(stored.jwksUri, `${issuer.base}/keys`);
    assert.deepEqual((await refresh()).body.changes, [], 'the new state is the one compared with next time');
  });

  it('refresh is refused while the JWKS does not answer, and keeps the provider as it was', async () => {
    issuer.state.tokenPath = '/moved';
    issuer.state.jwksStatus = 503;
    const res = await refresh();
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'discovery_failed');
    assert.equal(
      res.body.error.message,
      `The provider's signing keys could not be read: ${issuer.base}/keys answered HTTP 503. Check the provider's jwks_uri; refresh again once it answers.`,
    );
    assert.equal((await ok('GET', paths.identityProvider(ORG, id))).tokenEndpoint, `${issuer.base}/oauth2/token`);
    issuer.state.jwksStatus = 200;
    issuer.state.tokenPath = '/oauth2/token';
  });

  it('delete is refused while consumers use it, naming them; allowed once their keys are removed', async () => {
    const refused = await cp.call('DELETE', paths.identityProvider(ORG, id));
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'in_use');
    assert.equal(
      refused.body.error.message,
      '"Stark IdP" is used by these external consumers: default/mobile-app (Development), default/mobile-app (Production). Remove their keys for this provider first.',
    );
    assert.deepEqual(
      refused.body.error.uses.map((u: { componentName: string; environment: string }) => `${u.componentName} ${u.environment}`),
      ['mobile-app development', 'mobile-app production'],
    );
    for (const env of ['development', 'production']) await ok('DELETE', paths.authFor(ORG, P, 'mobile-app', env));
    assert.deepEqual((await ok('GET', paths.identityProvider(ORG, id))).usedBy, []);
    assert.equal((await cp.call('DELETE', paths.identityProvider(ORG, id))).status, 204);
    assert.equal((await cp.call('GET', paths.identityProvider(ORG, id))).status, 404);
  });

  it('an organization is deleted with its provider and the consumers that use it (their keys go in the same write)', async () => {
    const org = 'wayne-enterprises';
    await ok('POST', paths.orgs(), { name: 'Wayne Enterprises' });
    const wayne = await ok('POST', paths.identityProviders(org), { name: 'Wayne IdP', wellKnownUrl: `${issuer.base}/.well-known/openid-configuration` });
    await ok('POST', paths.components(org, P), { name: 'bat-app', displayName: 'Bat App', type: 'external-consumer' });
    await ok('PUT', `${paths.authFor(org, P, 'bat-app', 'development')}/external`, { identityProviderId: wayne.id, clientId: 'bat' });
    assert.equal((await cp.call('DELETE', paths.identityProvider(org, wayne.id))).status, 409, 'alone, it is in use');
    const deleted = await cp.call('DELETE', paths.org(org));
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal((await cp.call('GET', paths.org(org))).status, 404);
  });
});
