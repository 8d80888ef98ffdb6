/**
 * End to end over HTTP against the control plane started as its own process: external identity providers
 * (oidc-provider, a real OpenID provider), Add Keys, connections, and the gateway's four access rules.
 */
import assert from 'node:assert/strict';
import { DEFAULT_KEY_SETTINGS } from '../../../src/api/keySettings';
import { paths, gatewayUrl, issuerUrl, tokenUrl } from '../../../src/api/routes';
import { startGreetingService, type RunningGreetingService } from '../../../src/controlPlane/sampleService/greetingService';
import { ControlPlane, freePort, tempDir } from '../helpers/controlPlane';
import { GATEWAY_RESOURCE, JWT_CLIENT, OPAQUE_CLIENT, startOidcProvider, type RunningProvider } from '../externalIdp/oidcProvider';

const ORG = 'stark-industries';
const PROJECT = 'default';

async function call(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, challenge: res.headers.get('www-authenticate') ?? '' };
}

async function builtInToken(cp: ControlPlane, clientId: string, secret: string) {
  const res = await fetch(tokenUrl(cp.url, ORG), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
}

describe('gateway, end to end (control plane process, oidc-provider, upstream)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let idp: RunningProvider;
  let otherIdp: RunningProvider;
  let upstream: RunningGreetingService;
  let idpId: string;
  let port: number;
  const dataDir = tempDir();
  const component = (name: string) => paths.component(ORG, PROJECT, name);
  const greetUrl = (env = 'development') => `${gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'hello', env)}/greet?name=Tony`;

  async function ok(method: string, path: string, body?: unknown, status = [200, 201, 204]) {
    const res = await cp.call(method, path, body);
    assert.ok(status.includes(res.status), `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }
  async function consumer(name: string) {
    await ok('POST', paths.components(ORG, PROJECT), { displayName: name, name, type: 'external-consumer' });
  }
  async function addKeys(name: string, clientId: string, env = 'development') {
    return cp.call('PUT', `${paths.authFor(ORG, PROJECT, name, env)}/external`, { identityProviderId: idpId, clientId });
  }
  async function connect(name: string, connection = 'Greeting', endpointName = 'hello') {
    return cp.call('POST', paths.connections(ORG, PROJECT, name), { name: connection, serviceComponentName: 'greeting', endpointName });
  }

  before(async () => {
    [idp, otherIdp, upstream] = await Promise.all([startOidcProvider(), startOidcProvider(), startGreetingService()]);
    port = await freePort();
    cp = await ControlPlane.start(dataDir, ['--port', String(port), '--sample-service']);
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    await ok('POST', paths.components(ORG, PROJECT), {
      displayName: 'Greeting',
      name: 'greeting',
      type: 'service',
      endpoints: [
        { name: 'hello', visibility: 'Organization', upstreamUrls: { development: upstream.url, production: upstream.url } },
        { name: 'broken', upstreamUrls: { development: 'http://127.0.0.1:1' } },
      ],
    });
    // oidc-provider issues its access tokens for GATEWAY_RESOURCE, so that is the audience the gateway must take.
    const registered = await cp.call('POST', paths.identityProviders(ORG), {
      name: 'Stark IdP',
      wellKnownUrl: idp.wellKnownUrl,
      audiences: [GATEWAY_RESOURCE],
    });
    assert.equal(registered.status, 201, registered.text);
    assert.equal(registered.body.issuer, idp.issuer);
    assert.equal(registered.body.tokenEndpoint, idp.tokenEndpoint);
    idpId = registered.body.id;
  });
  after(async () => {
    await cp?.stop();
    await Promise.all([idp?.close(), otherIdp?.close(), upstream?.close()]);
  });

  it('gives each service endpoint a gateway URL per environment', async () => {
    const service = await ok('GET', component('greeting'));
    const hello = service.endpoints.find((e: { name: string }) => e.name === 'hello');
    assert.equal(hello.gatewayUrls.development, `${cp.url}/gw/${ORG}/${PROJECT}/greeting/hello/development`);
    assert.equal(hello.gatewayUrls.production, `${cp.url}/gw/${ORG}/${PROJECT}/greeting/hello/production`);
  });

  it('consumer + external keys + connection → a token from the external provider reaches the service', async () => {
    await consumer('stark-mobile-app');
    const keys = await addKeys('stark-mobile-app', JWT_CLIENT.clientId);
    assert.equal(keys.status, 200, keys.text);
    assert.equal(keys.body.identityProviderKind, 'external');
    assert.equal(keys.body.tokenUrl, idp.tokenEndpoint);
    assert.equal((await connect('stark-mobile-app')).status, 201);

    const token = await idp.token(JWT_CLIENT);
    const res = await call(greetUrl(), token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.message, 'Hello, Tony!');
    assert.equal(res.body.path, '/greet', 'the gateway prefix was stripped');
  });

  it('a URL with an encoded segment (left to the router) reaches the same path and query upstream', async () => {
    const token = await idp.token(JWT_CLIENT);
    const res = await call(`${cp.url}/gw/${ORG}/${PROJECT}/gr%65eting/hello/development/greet?name=Tony`, token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.message, 'Hello, Tony!');
    assert.equal(res.body.path, '/greet');
  });

  it('the same without a connection → 403 naming the missing connection', async () => {
    await consumer('web-portal');
    idp.addJwtClient('web-portal-app', 'web-portal-secret-0123456789abcdef');
    assert.equal((await addKeys('web-portal', 'web-portal-app')).status, 200);
    const res = await call(greetUrl(), await idp.token({ clientId: 'web-portal-app', clientSecret: 'web-portal-secret-0123456789abcdef' }));
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'forbidden');
    assert.match(res.body.error.message, /"web-portal" has no connection to the endpoint "hello" of default\/greeting/);
  });

  it('a token from an issuer not configured for the consumer → 401 with an RFC 6750 challenge', async () => {
    const res = await call(greetUrl(), await otherIdp.token(JWT_CLIENT));
    assert.equal(res.status, 401, res.text);
    assert.match(res.challenge, /^Bearer realm="choreo-gateway", error="invalid_token", error_description="[^"]*not an identity provider/);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  it('keys for another environment → 401 (the issuer is configured for the consumer only in Development)', async () => {
    const res = await call(greetUrl('production'), await idp.token(JWT_CLIENT));
    assert.equal(res.status, 401, res.text);
    assert.match(res.body.error.message, /not configured for stark-mobile-app in Production/);
  });

  it('an opaque token → 401 saying the provider must issue JWT access tokens', async () => {
    await consumer('legacy-app');
    assert.equal((await addKeys('legacy-app', OPAQUE_CLIENT.clientId)).status, 200);
    assert.equal((await connect('legacy-app')).status, 201);
    const res = await call(greetUrl(), await idp.token(OPAQUE_CLIENT));
    assert.equal(res.status, 401);
    assert.match(res.challenge, /error="invalid_token"/);
    assert.match(res.body.error.message, /accepts only JWT access tokens.*access token type .* to JWT/);
  });

  it('no token → 401 asking for one; a broken upstream → 502 with a JSON error', async () => {
    const none = await call(greetUrl());
    assert.equal(none.status, 401);
    assert.equal(none.challenge, 'Bearer realm="choreo-gateway"');
    assert.equal((await connect('stark-mobile-app', 'Broken', 'broken')).status, 201);
    const broken = await call(gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'broken', 'development'), await idp.token(JWT_CLIENT));
    assert.equal(broken.status, 502, broken.text);
    assert.equal(broken.body.error.code, 'upstream_unavailable');
  });

  it('the built-in provider path: Generate Keys → token → 200; Regenerate Secret → the old secret is refused', async () => {
    await consumer('stark-bot');
    const issued = await ok('POST', `${paths.authFor(ORG, PROJECT, 'stark-bot', 'development')}/generate-keys`);
    const { clientId } = issued.authConfiguration;
    assert.equal((await connect('stark-bot')).status, 201);
    const first = await builtInToken(cp, clientId, issued.clientSecret);
    assert.equal(first.status, 200);
    const res = await call(greetUrl(), first.body.access_token);
    assert.equal(res.status, 200, res.text);

    // The built-in keys are for Development only.
    assert.equal((await call(greetUrl('production'), first.body.access_token)).status, 401);

    const again = await ok('POST', `${paths.authFor(ORG, PROJECT, 'stark-bot', 'development')}/regenerate-secret`);
    const old = await builtInToken(cp, clientId, issued.clientSecret);
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_client');
    const fresh = await builtInToken(cp, clientId, again.clientSecret);
    assert.equal((await call(greetUrl(), fresh.body.access_token)).status, 200);
  });

  it('the built-in provider path without a connection → 403', async () => {
    await consumer('unconnected-bot');
    const issued = await ok('POST', `${paths.authFor(ORG, PROJECT, 'unconnected-bot', 'development')}/generate-keys`);
    const token = await builtInToken(cp, issued.authConfiguration.clientId, issued.clientSecret);
    const res = await call(greetUrl(), token.body.access_token);
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /unconnected-bot/);
  });

  it('a call that passed before is judged again after any change: upstream moved, consumer deleted', async () => {
    // The gateway remembers the calls that passed, per token; these are the changes that must end that.
    await consumer('stark-watch');
    const issued = await ok('POST', `${paths.authFor(ORG, PROJECT, 'stark-watch', 'development')}/generate-keys`);
    assert.equal((await connect('stark-watch')).status, 201);
    const token = (await builtInToken(cp, issued.authConfiguration.clientId, issued.clientSecret)).body.access_token;
    for (let i = 0; i < 3; i++) assert.equal((await call(greetUrl(), token)).status, 200);

    const endpoints = (to: string) => [
      { name: 'hello', visibility: 'Organization', upstreamUrls: { development: to, production: upstream.url } },
      { name: 'broken', upstreamUrls: { development: 'http://127.0.0.1:1' } },
    ];
    await ok('PATCH', component('greeting'), { endpoints: endpoints('http://127.0.0.1:1') });
    const moved = await call(greetUrl(), token);
    assert.equal(moved.status, 502, moved.text); // the new upstream (nothing listens there), not the remembered one
    await ok('PATCH', component('greeting'), { endpoints: endpoints(upstream.url) });
    assert.equal((await call(greetUrl(), token)).status, 200);

    await ok('DELETE', component('stark-watch'));
    const gone = await call(greetUrl(), token);
    assert.equal(gone.status, 401, gone.text);
    assert.match(gone.body.error.message, /belongs to no external consumer/);
  });

  it('a connection deleted → the next call with the same token is 403', async () => {
    const token = await idp.token(JWT_CLIENT);
    assert.equal((await call(greetUrl(), token)).status, 200);
    const del = await cp.call('DELETE', paths.connection(ORG, PROJECT, 'stark-mobile-app', 'Greeting'));
    assert.equal(del.status, 204);
    assert.equal((await call(greetUrl(), token)).status, 403);
    assert.equal((await connect('stark-mobile-app')).status, 201);
    assert.equal((await call(greetUrl(), token)).status, 200);
  });

  it('connections: unique names per consumer, targets must be service endpoints, get and list', async () => {
    const dup = await connect('stark-mobile-app', 'greeting');
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'name_taken');
    const notService = await cp.call('POST', paths.connections(ORG, PROJECT, 'stark-mobile-app'), {
      name: 'Bot',
      serviceComponentName: 'stark-bot',
      endpointName: 'hello',
    });
    assert.equal(notService.status, 400);
    assert.equal(notService.body.error.fields[0].path, 'serviceComponentName');
    const noEndpoint = await connect('stark-mobile-app', 'Other', 'nope');
    assert.equal(noEndpoint.status, 400);
    assert.match(noEndpoint.body.error.message, /has no endpoint "nope" \(it has: hello, broken\)/);
    const fromService = await cp.call('POST', paths.connections(ORG, PROJECT, 'greeting'), {
      name: 'X',
      serviceComponentName: 'greeting',
      endpointName: 'hello',
    });
    assert.equal(fromService.status, 409);

    const list = await ok('GET', paths.connections(ORG, PROJECT, 'stark-mobile-app'));
    assert.deepEqual(
      list.items.map((c: { name: string }) => c.name),
      ['Broken', 'Greeting'],
    );
    const one = await ok('GET', paths.connection(ORG, PROJECT, 'stark-mobile-app', 'Greeting'));
    assert.equal(one.serviceComponentName, 'greeting');
    assert.equal(one.endpointName, 'hello');
    assert.equal((await cp.call('GET', paths.connection(ORG, PROJECT, 'stark-mobile-app', 'Nope'))).status, 404);
  });

  it('a connection yields the Choreo keys per environment, never the secret', async () => {
    const dev = await ok('GET', paths.connectionConfig(ORG, PROJECT, 'stark-bot', 'Greeting', 'development'));
    assert.equal(dev.configured, true);
    const byKey = Object.fromEntries(dev.entries.map((e: { key: string }) => [e.key, e]));
    assert.equal(byKey.ServiceURL.value, gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'hello', 'development'));
    assert.equal(byKey.ServiceURL.envVariableName, 'CHOREO_GREETING_SERVICEURL');
    assert.match(byKey.ConsumerKey.value, /\S/);
    assert.equal(byKey.ConsumerSecret.isSensitive, true);
    assert.equal(byKey.ConsumerSecret.value, undefined);
    assert.match(byKey.ConsumerSecret.valueRef, /^choreo\.secret\//);
    assert.equal(byKey.TokenURL.value, tokenUrl(cp.url, ORG));
    assert.ok(!JSON.stringify(dev).toLowerCase().includes('secret":"'), 'no secret value anywhere');

    const prod = await ok('GET', paths.connectionConfig(ORG, PROJECT, 'stark-bot', 'Greeting', 'production'));
    assert.equal(prod.configured, false);
    assert.ok(!prod.entries.some((e: { key: string }) => e.key === 'ConsumerKey'));

    const external = await ok('GET', paths.connectionConfig(ORG, PROJECT, 'stark-mobile-app', 'Greeting', 'development'));
    assert.equal(external.entries.find((e: { key: string }) => e.key === 'TokenURL').value, idp.tokenEndpoint);
  });

  it("a public client's keys yield no ConsumerSecret (nothing asks for one), and IssuerURL; its keys made confidential again yield it", async () => {
    const keys = (settings: object) => ok('PUT', paths.keySettings(ORG, PROJECT, 'stark-bot', 'development'), { ...DEFAULT_KEY_SETTINGS, ...settings });
    const keysOf = async () =>
      (await ok('GET', paths.connectionConfig(ORG, PROJECT, 'stark-bot', 'Greeting', 'development'))).entries.map((e: { key: string }) => e.key);
    await keys({ grantTypes: ['authorization_code', 'refresh_token'], callbackUrls: ['http://127.0.0.1/callback'], publicClient: true });
    try {
      assert.deepEqual(await keysOf(), ['ServiceURL', 'ConsumerKey', 'TokenURL', 'IssuerURL']);
      const config = await ok('GET', paths.connectionConfig(ORG, PROJECT, 'stark-bot', 'Greeting', 'development'));
      assert.equal(config.entries.find((e: { key: string }) => e.key === 'IssuerURL').value, issuerUrl(cp.url, ORG));
    } finally {
      await keys({});
    }
    assert.deepEqual(await keysOf(), ['ServiceURL', 'ConsumerKey', 'ConsumerSecret', 'TokenURL']);
  });

  it('Add Keys: a Client ID is unique per provider across consumers', async () => {
    await consumer('copycat');
    const res = await addKeys('copycat', JWT_CLIENT.clientId);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'conflict');
  });

  it('an identity provider in use cannot be deleted; the message names its users', async () => {
    const res = await cp.call('DELETE', paths.identityProvider(ORG, idpId));
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'in_use');
    assert.match(res.body.error.message, /default\/stark-mobile-app \(Development\)/);
    assert.match(res.body.error.message, /default\/legacy-app/);
    assert.equal((await cp.call('GET', paths.identityProvider(ORG, idpId))).status, 200, 'still there');
  });

  it('registering refuses bad Well-Known URLs with discovery_failed, and duplicates', async () => {
    const http = await cp.call('POST', paths.identityProviders(ORG), {
      name: 'Remote',
      wellKnownUrl: 'http://idp.example.com/.well-known/openid-configuration',
    });
    assert.equal(http.status, 400);
    assert.equal(http.body.error.code, 'discovery_failed');
    assert.match(http.body.error.message, /https/);
    const again = await cp.call('POST', paths.identityProviders(ORG), { name: 'Same issuer', wellKnownUrl: idp.wellKnownUrl });
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /already registered .* as "Stark IdP"/);
    const sameName = await cp.call('POST', paths.identityProviders(ORG), { name: 'Stark IdP', wellKnownUrl: otherIdp.wellKnownUrl });
    assert.equal(sameName.status, 409);
    assert.equal(sameName.body.error.code, 'name_taken');
    const refreshed = await ok('POST', `${paths.identityProvider(ORG, idpId)}/refresh`);
    assert.ok(refreshed.provider.refreshedAt);
    assert.deepEqual(refreshed.changes, [], 'nothing changed at the provider');
    const list = await ok('GET', paths.identityProviders(ORG));
    assert.deepEqual(
      list.items.map((i: { kind: string }) => i.kind),
      ['built-in', 'external'],
    );
  });

  it('the sample Greeting Service works through the gateway, with the same URLs after a restart', async () => {
    // With --sample-service the organization came with it: asking for it answers that one.
    const created = await cp.call('POST', `${paths.project(ORG, PROJECT)}/sample-service`);
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.displayName, 'Greeting Service');
    const url = created.body.endpoints[0].gatewayUrls.development;
    assert.equal((await cp.call('POST', `${paths.project(ORG, PROJECT)}/sample-service`)).status, 200, 'asking again is harmless');

    await consumer('demo-app');
    const issued = await ok('POST', `${paths.authFor(ORG, PROJECT, 'demo-app', 'development')}/generate-keys`);
    const conn = await cp.call('POST', paths.connections(ORG, PROJECT, 'demo-app'), {
      name: 'Greeting',
      serviceComponentName: 'greeting-service',
      endpointName: 'greeting',
    });
    assert.equal(conn.status, 201, conn.text);
    const token = (await builtInToken(cp, issued.authConfiguration.clientId, issued.clientSecret)).body.access_token!;
    const before = await call(`${url}?name=Pepper`, token);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.message, 'Hello, Pepper!');

    await cp.stop();
    cp = await ControlPlane.start(dataDir, ['--port', String(port), '--sample-service']);
    const after = await ok('GET', component('greeting-service'));
    assert.equal(after.endpoints[0].gatewayUrls.development, url);
    const again = await call(`${url}?name=Pepper`, token);
    assert.equal(again.status, 200, again.text);
  });
});
