/**
 * PATCH of one service endpoint over HTTP against the control plane process (issue 15): upstream URLs merged per
 * environment, null removing one, bad input refused with the field and nothing changed, and an upstream change taking
 * effect at the gateway on the very next call of a token that passed before (the gateway remembers passed calls).
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayUrl, paths } from '../../../src/api/routes';
import { DEFAULT_CORS } from '../../../src/api/cors';
import { builtInAccessToken, ControlPlane } from '../helpers/controlPlane';

const ORG = 'stark-industries';
const P = 'default';

async function namedUpstream(name: string) {
  const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${name} ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('service endpoints: PATCH of one endpoint (control plane process)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let first: Awaited<ReturnType<typeof namedUpstream>>;
  let second: Awaited<ReturnType<typeof namedUpstream>>;
  let token: string;
  const endpoint = (e = 'api') => paths.endpoint(ORG, P, 'orders', e);

  async function ok(method: string, path: string, body?: unknown) {
    const res = await cp.call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }
  const callGateway = async () => {
    const res = await fetch(`${gatewayUrl(cp.url, ORG, P, 'orders', 'api', 'development')}/orders/7`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    [first, second] = await Promise.all([namedUpstream('first'), namedUpstream('second')]);
    cp = await ControlPlane.start();
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    await ok('POST', paths.components(ORG, P), {
      name: 'orders',
      displayName: 'Orders',
      type: 'service',
      endpoints: [
        { name: 'api', upstreamUrls: { development: first.url, production: first.url } },
        { name: 'admin', visibility: 'Project', upstreamUrls: {} },
      ],
    });
    await ok('POST', paths.components(ORG, P), { name: 'mobile-app', displayName: 'Mobile App', type: 'external-consumer' });
    const keys = await ok('POST', `${paths.authFor(ORG, P, 'mobile-app', 'development')}/generate-keys`);
    await ok('POST', paths.connections(ORG, P, 'mobile-app'), { name: 'Orders', serviceComponentName: 'orders', endpointName: 'api' });
    token = await builtInAccessToken(cp.url, ORG, keys.authConfiguration.clientId, keys.clientSecret);
  });
  after(async () => {
    await cp?.stop();
    await Promise.all([first?.close(), second?.close()]);
  });

  it("moves the next gateway call to the new upstream, keeping the other environments' URLs", async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await callGateway(), { status: 200, text: 'first /orders/7' });
    const patched = await ok('PATCH', endpoint(), { upstreamUrls: { development: second.url } });
    const api = patched.endpoints.find((e: { name: string }) => e.name === 'api');
    assert.deepEqual(api.upstreamUrls, { development: second.url, production: first.url });
    assert.equal(api.visibility, 'Project', 'visibility kept');
    assert.deepEqual(await callGateway(), { status: 200, text: 'second /orders/7' });
    assert.deepEqual((await ok('GET', paths.component(ORG, P, 'orders'))).endpoints[0].upstreamUrls, api.upstreamUrls, 'stored');
  });

  it("removes an environment's URL with null, and changes the visibility alone", async () => {
    const patched = await ok('PATCH', endpoint(), { upstreamUrls: { production: null }, visibility: 'Organization' });
    const api = patched.endpoints.find((e: { name: string }) => e.name === 'api');
    assert.deepEqual(api.upstreamUrls, { development: second.url });
    assert.equal(api.visibility, 'Organization');
    assert.deepEqual(
      patched.endpoints.find((e: { name: string }) => e.name === 'admin'),
      {
        name: 'admin',
        visibility: 'Project',
        upstreamUrls: {},
        gatewayUrls: {
          development: gatewayUrl(cp.url, ORG, P, 'orders', 'admin', 'development'),
          production: gatewayUrl(cp.url, ORG, P, 'orders', 'admin', 'production'),
        },
        cors: DEFAULT_CORS,
      },
      'the other endpoint untouched',
    );
  });

  it('refuses an unknown environment, a URL that is not http(s), unknown fields, with the field, and changes nothing', async () => {
    const before = await ok('GET', paths.component(ORG, P, 'orders'));
    const env = await cp.call('PATCH', endpoint(), { upstreamUrls: { development: first.url, staging: first.url } });
    assert.equal(env.status, 400, env.text);
    assert.equal(env.body.error.code, 'validation_failed');
    assert.deepEqual(env.body.error.fields, [
      { path: 'upstreamUrls.staging', message: 'There is no environment "staging"; use one of: development, production.' },
    ]);
    const url = await cp.call('PATCH', endpoint(), { upstreamUrls: { development: 'ftp://files.example.com' } });
    assert.equal(url.status, 400);
    assert.equal(url.body.error.fields[0].path, 'upstreamUrls.development');
    const unknown = await cp.call('PATCH', endpoint(), { name: 'renamed' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /Remove the unknown field\(s\): name/);
    assert.deepEqual((await ok('GET', paths.component(ORG, P, 'orders'))).endpoints, before.endpoints);
    assert.deepEqual(await callGateway(), { status: 200, text: 'second /orders/7' });
  });

  it('answers 404 for an endpoint the service does not have, and a consumer as the component PATCH does', async () => {
    const missing = await cp.call('PATCH', endpoint('nope'), { visibility: 'Public' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, '"orders" has no endpoint "nope" (it has: api, admin).');
    const viaEndpoint = await cp.call('PATCH', paths.endpoint(ORG, P, 'mobile-app', 'api'), { visibility: 'Public' });
    const viaComponent = await cp.call('PATCH', paths.component(ORG, P, 'mobile-app'), { endpoints: [] });
    assert.equal(viaEndpoint.status, 400);
    assert.deepEqual(viaEndpoint.body, viaComponent.body);
  });
});
