/**
 * `serve --sample-service`, the way the extension starts its local control plane: every organization created gets
 * the sample "Greeting Service" in its default project, and a new user can connect to it and call it through the
 * gateway at once. Without the flag (a team server) a new organization holds nothing but what Choreo gives it.
 */
import assert from 'node:assert/strict';
import { tokenUrl, paths } from '../../src/api/routes';
import { ControlPlane } from './helpers/controlPlane';

describe('serve --sample-service', function () {
  this.timeout(30_000);
  let cp: ControlPlane;
  let plain: ControlPlane;

  before(async () => {
    [cp, plain] = await Promise.all([ControlPlane.start(undefined, ['--sample-service']), ControlPlane.start()]);
  });
  after(async () => {
    await Promise.all([cp?.stop(), plain?.stop()]);
  });

  async function ok(on: ControlPlane, method: string, path: string, body?: unknown) {
    const res = await on.call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }

  it('gives every organization created the Greeting Service in its default project', async () => {
    for (const name of ['Stark Industries', 'Wayne Enterprises']) {
      const org = await ok(cp, 'POST', paths.orgs(), { name });
      const services = await ok(cp, 'GET', `${paths.components(org.handle, 'default')}?type=service`);
      assert.deepEqual(
        services.items.map((s: { name: string; displayName: string; type: string }) => [s.name, s.displayName, s.type]),
        [['greeting-service', 'Greeting Service', 'service']],
        `${name} has the sample service`,
      );
      const [endpoint] = services.items[0].endpoints;
      assert.equal(endpoint.name, 'greeting');
      assert.deepEqual(Object.keys(endpoint.gatewayUrls).sort(), ['development', 'production'], 'a gateway URL per environment');
      // Asking for it again finds the one made with the organization.
      assert.equal((await cp.call('POST', `${paths.project(org.handle, 'default')}/sample-service`)).status, 200);
    }
  });

  it('lets a new consumer connect to it and call it through the gateway with its own token', async () => {
    const org = 'stark-industries';
    await ok(cp, 'POST', paths.components(org, 'default'), { displayName: 'Stark Mobile App', name: 'stark-mobile-app', type: 'external-consumer' });
    const issued = await ok(cp, 'POST', `${paths.authFor(org, 'default', 'stark-mobile-app', 'development')}/generate-keys`);
    await ok(cp, 'POST', paths.connections(org, 'default', 'stark-mobile-app'), {
      name: 'Greeting',
      serviceComponentName: 'greeting-service',
      endpointName: 'greeting',
    });
    const config = await ok(cp, 'GET', `${paths.connections(org, 'default', 'stark-mobile-app')}/Greeting/config/development`);
    const serviceUrl = config.entries.find((e: { key: string }) => e.key === 'ServiceURL').value as string;
    const basic = Buffer.from(`${encodeURIComponent(issued.authConfiguration.clientId)}:${encodeURIComponent(issued.clientSecret)}`).toString('base64');
    const token = await fetch(tokenUrl(cp.url, org), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const res = await fetch(`${serviceUrl}?name=Pepper`, { headers: { authorization: `Bearer ${token.access_token}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { message: string }).message, 'Hello, Pepper!');
  });

  it('adds nothing when the organization is refused', async () => {
    const taken = await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
    assert.equal(taken.status, 409);
    const orgs = await ok(cp, 'GET', paths.orgs());
    assert.equal(orgs.items.length, 2, 'still two organizations');
  });

  it('without the flag, a new organization has no service', async () => {
    await ok(plain, 'POST', paths.orgs(), { name: 'Stark Industries' });
    const components = await ok(plain, 'GET', paths.components('stark-industries', 'default'));
    assert.deepEqual(components.items, []);
  });
});
