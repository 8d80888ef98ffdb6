/**
 * Endpoint visibility over HTTP against the control plane process (issue 15): the matrix of the three visibilities
 * × a consumer in the service's project, in another project, in another organization, when the connection is made
 * and at the gateway with real tokens (the built-in providers of both organizations, and an external provider
 * registered in the other one only); the gateway's own check of connections the rule does not admit (written through
 * the store, since the API makes none); narrowing and deletes refused while connected, allowed after; and what an
 * attacker with another organization's token learns over a raw socket.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gatewayUrl, paths } from '../../../src/api/routes';
import { CONNECTIONS, type ConnectionRecord } from '../../../src/controlPlane/connections/records';
import { coreCollections, type ComponentRecord } from '../../../src/controlPlane/domain/records';
import { modules } from '../../../src/controlPlane/routes';
import { FileStore } from '../../../src/controlPlane/store/fileStore';
import { GATEWAY_RESOURCE, JWT_CLIENT, startOidcProvider, type RunningProvider } from '../externalIdp/oidcProvider';
import { builtInAccessToken, ControlPlane, freePort, tempDir } from '../helpers/controlPlane';

const A = 'stark-industries';
const B = 'wayne-enterprises';
const SERVICE = 'orders';
/** One endpoint per visibility. */
const ENDPOINTS = { Project: 'project-api', Organization: 'org-api', Public: 'public-api' } as const;
type Visibility = keyof typeof ENDPOINTS;
const VISIBILITIES = Object.keys(ENDPOINTS) as Visibility[];
/** The consumers: in the service's project, in another project of its organization, in another organization. */
const CONSUMERS = {
  same: { org: A, project: 'default', name: 'same-app' },
  other: { org: A, project: 'logistics', name: 'other-app' },
  outside: { org: B, project: 'default', name: 'partner-app' },
} as const;
type Where = keyof typeof CONSUMERS;
const WHERE = Object.keys(CONSUMERS) as Where[];

const admitted = (v: Visibility, w: Where) => v === 'Public' || (v === 'Organization' && w !== 'outside') || w === 'same';
const connectionName = (v: Visibility) => `To ${v}`;
/** What a consumer of another organization is told for any endpoint there that is not Public, or does not exist. */
const noPublicEndpoint = (endpoint: string, project = 'default', service = SERVICE) =>
  `Organization "${A}" has no Public endpoint "${endpoint}" of ${project}/${service}; only Public endpoints take connections from other organizations. ` +
  'Check the names with its owners, or ask them to make the endpoint Public.';
/** The gateway's answer to a token of an organization for any URL of another one that is not a Public endpoint. */
const notIssuedFor = (org: string) => `The token was not issued for "${org}": get a token from that organization's token URL or one of its identity providers.`;

interface Upstream {
  url: string;
  calls: string[];
  close(): Promise<void>;
}
async function startUpstream(): Promise<Upstream> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('endpoint visibility: connections and the gateway (control plane process)', function () {
  this.timeout(120_000);
  const dataDir = tempDir();
  let port: number;
  let cp: ControlPlane;
  let upstream: Upstream;
  let idp: RunningProvider;
  const tokens = {} as Record<Where | 'external', string>;

  async function ok(method: string, path: string, body?: unknown) {
    const res = await cp.call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }
  const connect = (w: Where | 'external', v: Visibility, service = SERVICE) => {
    const c = w === 'external' ? { org: B, project: 'default', name: 'partner-ext' } : CONSUMERS[w];
    return cp.call('POST', paths.connections(c.org, c.project, c.name), {
      name: connectionName(v),
      ...(c.org !== A ? { serviceOrgHandle: A } : {}),
      ...(c.project !== 'default' || c.org !== A ? { serviceProjectHandle: 'default' } : {}),
      serviceComponentName: service,
      endpointName: ENDPOINTS[v],
    });
  };
  const call = async (v: Visibility, token: string, endpoint: string = ENDPOINTS[v]) => {
    const res = await fetch(`${gatewayUrl(cp.url, A, 'default', SERVICE, endpoint, 'development')}/orders/7`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  before(async () => {
    [upstream, idp] = await Promise.all([startUpstream(), startOidcProvider()]);
    port = await freePort();
    cp = await ControlPlane.start(dataDir, ['--port', String(port)]);
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    await ok('POST', paths.orgs(), { name: 'Wayne Enterprises' });
    await ok('POST', paths.projects(A), { name: 'Logistics' });
    await ok('POST', paths.components(A, 'default'), {
      name: SERVICE,
      displayName: 'Orders',
      type: 'service',
      endpoints: VISIBILITIES.map((v) => ({ name: ENDPOINTS[v], visibility: v, upstreamUrls: { development: upstream.url } })),
    });
    for (const w of WHERE) {
      const c = CONSUMERS[w];
      await ok('POST', paths.components(c.org, c.project), { name: c.name, displayName: c.name, type: 'external-consumer' });
      const keys = await ok('POST', `${paths.authFor(c.org, c.project, c.name, 'development')}/generate-keys`);
      tokens[w] = await builtInAccessToken(cp.url, c.org, keys.authConfiguration.clientId, keys.clientSecret);
    }
    // An external provider registered in the other organization only, and a consumer there with keys of it.
    const registered = await ok('POST', paths.identityProviders(B), { name: 'Wayne IdP', wellKnownUrl: idp.wellKnownUrl, audiences: [GATEWAY_RESOURCE] });
    await ok('POST', paths.components(B, 'default'), { name: 'partner-ext', displayName: 'Partner (external keys)', type: 'external-consumer' });
    await ok('PUT', `${paths.authFor(B, 'default', 'partner-ext', 'development')}/external`, {
      identityProviderId: registered.id,
      clientId: JWT_CLIENT.clientId,
    });
    tokens.external = await idp.token(JWT_CLIENT);
  });
  after(async () => {
    await cp?.stop();
    await Promise.all([upstream?.close(), idp?.close()]);
  });

  it("admits a connection as the endpoint's visibility says, and says what to change when it does not", async () => {
    for (const v of VISIBILITIES) {
      for (const w of WHERE) {
        const res = await connect(w, v);
        const what = `${v} endpoint, consumer ${w}`;
        if (admitted(v, w)) {
          assert.equal(res.status, 201, `${what}: ${res.text}`);
          assert.equal(res.body.serviceOrgHandle, A, what);
          assert.equal(res.body.serviceProjectHandle, 'default', what);
          continue;
        }
        assert.equal(res.status, 403, `${what}: ${res.text}`);
        assert.equal(res.body.error.code, 'not_visible', what);
        if (w === 'outside') {
          assert.equal(res.body.error.message, noPublicEndpoint(ENDPOINTS[v]), what);
        } else {
          assert.equal(
            res.body.error.message,
            `The endpoint "${ENDPOINTS[v]}" of ${A}/default/${SERVICE} has ${v} visibility: only consumers in project "default" can connect to it. ` +
              'Make the endpoint Organization or Public, or create the consumer in project "default".',
            what,
          );
        }
      }
    }
    // The external provider's consumer of the other organization too: Public only.
    assert.equal((await connect('external', 'Public')).status, 201);
    assert.equal((await connect('external', 'Organization')).status, 403);
  });

  it('another organization learns nothing from names it tries: one refusal for what is not there or not Public', async () => {
    const c = CONSUMERS.outside;
    const attempt = (org: string, project: string, service: string, endpoint: string) =>
      cp.call('POST', paths.connections(c.org, c.project, c.name), {
        name: `Try ${randomUUID().slice(0, 8)}`,
        serviceOrgHandle: org,
        serviceProjectHandle: project,
        serviceComponentName: service,
        endpointName: endpoint,
      });
    for (const [org, project, service, endpoint] of [
      [A, 'default', SERVICE, ENDPOINTS.Project], // there, Project
      [A, 'default', SERVICE, 'no-such-api'], // the service is there, the endpoint is not
      [A, 'default', 'no-such-service', ENDPOINTS.Public],
      [A, 'no-such-project', SERVICE, ENDPOINTS.Public],
    ]) {
      const res = await attempt(org, project, service, endpoint);
      assert.equal(res.status, 403, res.text);
      assert.deepEqual(res.body, { error: { code: 'not_visible', message: noPublicEndpoint(endpoint, project, service) } });
    }
    const noOrg = await attempt('no-such-org', 'default', SERVICE, ENDPOINTS.Public);
    assert.equal(noOrg.status, 403);
    assert.equal(noOrg.body.error.message, noPublicEndpoint(ENDPOINTS.Public).replace(`"${A}"`, '"no-such-org"'));
  });

  it("the gateway lets each admitted connection's token through, another organization's only to the Public endpoint", async () => {
    for (const v of VISIBILITIES) {
      for (const w of WHERE) {
        const res = await call(v, tokens[w]);
        const what = `${v} endpoint, consumer ${w}`;
        if (admitted(v, w)) {
          assert.equal(res.status, 200, `${what}: ${res.text}`);
        } else if (w === 'outside') {
          // The same answer as for a URL of the organization that names nothing at all.
          assert.equal(res.status, 401, `${what}: ${res.text}`);
          assert.deepEqual(res.body, { error: { code: 'unauthorized', message: notIssuedFor(A) } }, what);
        } else {
          assert.equal(res.status, 403, `${what}: ${res.text}`);
          assert.match(res.body.error.message, /"other-app" has no connection to the endpoint "project-api"/, what);
        }
      }
    }
    assert.equal((await call('Public', tokens.external)).status, 200, 'a token of a provider registered in the other organization only');
    const ext = await call('Organization', tokens.external);
    assert.equal(ext.status, 401);
    assert.equal(ext.body.error.message, notIssuedFor(A));
    assert.equal(upstream.calls.filter((u) => u === '/orders/7').length, 7);
  });

  it("over a raw socket, another organization's token gets the same bytes for a non-Public endpoint as for nothing", async () => {
    const raw = (path: string, token: string) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        let data = '';
        s.setEncoding('latin1')
          .on('data', (d) => (data += d))
          .on('end', () => resolve(data))
          .on('error', reject);
        s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
      });
    const withoutDate = (r: string) => r.replace(/^date: .*\r\n/im, '');
    const project = await raw(`/gw/${A}/default/${SERVICE}/${ENDPOINTS.Project}/development/x`, tokens.outside);
    const org = await raw(`/gw/${A}/default/${SERVICE}/${ENDPOINTS.Organization}/development/x`, tokens.external);
    const nothing = await raw(`/gw/${A}/default/no-such-service/api/development/x`, tokens.outside);
    const noEndpoint = await raw(`/gw/${A}/default/${SERVICE}/no-such-api/production`, tokens.external);
    assert.match(project, /^HTTP\/1\.1 401 /);
    for (const other of [org, nothing, noEndpoint]) assert.equal(withoutDate(other), withoutDate(project));
  });

  it('refuses at the gateway, with 403 not_visible, a connection the visibility does not admit (written through the store)', async () => {
    // The API makes no such connection (above), so it is written to the data folder while the server is stopped.
    const consumers: Record<string, ComponentRecord> = {};
    for (const w of ['other', 'outside'] as const) {
      const c = CONSUMERS[w];
      consumers[w] = await ok('GET', paths.component(c.org, c.project, c.name));
    }
    const service = await ok('GET', paths.component(A, 'default', SERVICE));
    const orgIds = Object.fromEntries((await ok('GET', paths.orgs())).items.map((o: { id: string; handle: string }) => [o.handle, o.id]));
    await cp.stop();
    const store = await FileStore.open({ dataDir, collections: [...coreCollections, ...modules.flatMap((m) => m.collections ?? [])] });
    const forged = (w: 'other' | 'outside', v: Visibility): ConnectionRecord => ({
      id: randomUUID(),
      orgId: orgIds[CONSUMERS[w].org],
      componentId: consumers[w].id,
      name: `Forged ${v}`,
      serviceComponentId: service.id,
      serviceOrgHandle: A,
      serviceProjectHandle: 'default',
      serviceComponentName: SERVICE,
      endpointName: ENDPOINTS[v],
      createdAt: new Date().toISOString(),
    });
    await store.write([
      { op: 'put', collection: CONNECTIONS, record: forged('other', 'Project') },
      { op: 'put', collection: CONNECTIONS, record: forged('outside', 'Organization') },
    ]);
    await store.close();
    cp = await ControlPlane.start(dataDir, ['--port', String(port)]);

    const sameOrg = await call('Project', tokens.other);
    assert.equal(sameOrg.status, 403, sameOrg.text);
    assert.equal(sameOrg.body.error.code, 'not_visible');
    assert.match(
      sameOrg.body.error.message,
      /"project-api" of stark-industries\/default\/orders has Project visibility.*Make the endpoint Organization or Public/,
    );
    // Another organization's token is stopped before any connection is looked at: the same 401 as ever.
    const outside = await call('Organization', tokens.outside);
    assert.equal(outside.status, 401, outside.text);
    assert.equal(outside.body.error.message, notIssuedFor(A));

    for (const [w, v] of [
      ['other', 'Project'],
      ['outside', 'Organization'],
    ] as const) {
      const c = CONSUMERS[w];
      assert.equal((await cp.call('DELETE', paths.connection(c.org, c.project, c.name, `Forged ${v}`))).status, 204);
    }
  });

  it('lists the consumers connected to a service, from every project and organization; not for a consumer', async () => {
    const listed = await ok('GET', paths.connectedConsumers(A, 'default', SERVICE));
    const seen = listed.items.map(
      (i: { endpointName: string; connectionName: string; consumer: { orgHandle: string; projectHandle: string; name: string } }) =>
        `${i.endpointName} ← ${i.consumer.orgHandle}/${i.consumer.projectHandle}/${i.consumer.name} (${i.connectionName})`,
    );
    const expected = VISIBILITIES.flatMap((v) =>
      WHERE.filter((w) => admitted(v, w)).map(
        (w) => `${ENDPOINTS[v]} ← ${CONSUMERS[w].org}/${CONSUMERS[w].project}/${CONSUMERS[w].name} (${connectionName(v)})`,
      ),
    );
    expected.push(`${ENDPOINTS.Public} ← ${B}/default/partner-ext (${connectionName('Public')})`);
    assert.deepEqual([...seen].sort(), [...expected].sort());
    const fromConsumer = await cp.call('GET', paths.connectedConsumers(A, 'default', 'same-app'));
    assert.equal(fromConsumer.status, 409);
    assert.match(fromConsumer.body.error.message, /external consumer/);
  });

  it("refuses deleting the service, its project or its organization while others' consumers are connected, naming them", async () => {
    const uses = (res: { body: any }) =>
      (res.body.error.uses as { orgHandle: string; projectHandle: string; componentName: string; connectionName: string }[])
        .map((u) => `${u.orgHandle}/${u.projectHandle}/${u.componentName}: ${u.connectionName}`)
        .sort();
    const org = await cp.call('DELETE', paths.org(A));
    assert.equal(org.status, 409, org.text);
    assert.equal(org.body.error.code, 'in_use');
    // Only the other organization's connections: its own consumers' go with it.
    assert.deepEqual(uses(org), [`${B}/default/partner-app: To Public`, `${B}/default/partner-ext: To Public`]);
    assert.match(
      org.body.error.message,
      /^Organization "stark-industries" cannot be deleted while consumers of other organizations are connected .*wayne-enterprises\/default\/partner-app \(connection "To Public"\)/,
    );

    const project = await cp.call('DELETE', paths.project(A, 'default'));
    assert.equal(project.status, 409, project.text);
    assert.deepEqual(uses(project), [
      `${A}/logistics/other-app: To Organization`,
      `${A}/logistics/other-app: To Public`,
      `${B}/default/partner-app: To Public`,
      `${B}/default/partner-ext: To Public`,
    ]);
    assert.match(
      project.body.error.message,
      /^Project "default" cannot be deleted while consumers outside it are connected to its services: .*logistics\/other-app \(connection "To Organization"\)/,
    );

    const service = await cp.call('DELETE', paths.component(A, 'default', SERVICE));
    assert.equal(service.status, 409, service.text);
    assert.equal(service.body.error.uses.length, 7, "every connection, the same project's too");
    assert.match(
      service.body.error.message,
      /^The service "orders" cannot be deleted while consumers are connected to it: default\/same-app \(connection "To Project"\)/,
    );
    assert.match(service.body.error.message, /ask their owners to delete those connections/);
    assert.equal((await cp.call('GET', paths.component(A, 'default', SERVICE))).status, 200, 'still there');
    assert.equal((await call('Public', tokens.outside)).status, 200, 'and its consumers still get through');
  });

  it('refuses narrowing an endpoint while connections exist that it would refuse; allows it once they are gone', async () => {
    const narrow = (v: Visibility) => cp.call('PATCH', paths.endpoint(A, 'default', SERVICE, ENDPOINTS.Public), { visibility: v });
    const toOrg = await narrow('Organization');
    assert.equal(toOrg.status, 409, toOrg.text);
    assert.equal(toOrg.body.error.code, 'in_use');
    assert.equal(
      toOrg.body.error.message,
      'The endpoint "public-api" cannot become Organization: it would refuse wayne-enterprises/default/partner-app (connection "To Public"), ' +
        'wayne-enterprises/default/partner-ext (connection "To Public"). Those connections must be deleted first (by their consumers\' owners), or revoked (Revoke Connection, by an Admin here).',
    );
    assert.deepEqual(toOrg.body.error.uses[0], {
      orgHandle: B,
      projectHandle: 'default',
      componentName: 'partner-app',
      displayName: 'partner-app',
      connectionName: 'To Public',
    });
    const toProject = await narrow('Project');
    assert.equal(toProject.status, 409);
    assert.deepEqual(
      toProject.body.error.uses.map((u: { componentName: string }) => u.componentName),
      ['other-app', 'partner-app', 'partner-ext'],
    );

    // The component PATCH with endpoints: the same rule, and removing an endpoint that has connections too.
    const service = await ok('GET', paths.component(A, 'default', SERVICE));
    const endpoints = service.endpoints.map((e: { name: string; visibility: string; upstreamUrls: object }) => ({
      name: e.name,
      visibility: e.visibility,
      upstreamUrls: e.upstreamUrls,
    }));
    const allProject = await cp.call('PATCH', paths.component(A, 'default', SERVICE), {
      endpoints: endpoints.map((e: object) => ({ ...e, visibility: 'Project' })),
    });
    assert.equal(allProject.status, 409, allProject.text);
    assert.match(
      allProject.body.error.message,
      /^The endpoint "org-api" cannot become Project: it would refuse logistics\/other-app \(connection "To Organization"\)\. The endpoint "public-api" cannot become Project: it would refuse logistics\/other-app/,
    );
    const removed = await cp.call('PATCH', paths.component(A, 'default', SERVICE), {
      endpoints: endpoints.filter((e: { name: string }) => e.name !== ENDPOINTS.Project),
    });
    assert.equal(removed.status, 409);
    assert.equal(
      removed.body.error.message,
      'The endpoint "project-api" cannot be removed while consumers are connected to it: default/same-app (connection "To Project"). Those connections must be deleted first (by their consumers\' owners), or revoked (Revoke Connection, by an Admin here).',
    );
    assert.equal(
      (await ok('GET', paths.component(A, 'default', SERVICE))).endpoints.find((e: { name: string }) => e.name === ENDPOINTS.Public).visibility,
      'Public',
      'nothing changed',
    );

    for (const name of ['partner-app', 'partner-ext']) assert.equal((await cp.call('DELETE', paths.connection(B, 'default', name, 'To Public'))).status, 204);
    const narrowed = await narrow('Organization');
    assert.equal(narrowed.status, 200, narrowed.text);
    assert.equal(narrowed.body.endpoints.find((e: { name: string }) => e.name === ENDPOINTS.Public).visibility, 'Organization');
    const outside = await call('Public', tokens.outside);
    assert.equal(outside.status, 401, "no longer Public: the other organization's token is refused as for anything else");
    assert.equal(outside.body.error.message, notIssuedFor(A));
    assert.equal((await call('Public', tokens.other)).status, 200);
  });

  it('allows the deletes once those connections are gone', async () => {
    // A service: refused while even its own project's consumer is connected (it would break that client too).
    await ok('POST', paths.components(A, 'logistics'), { name: 'lonely', displayName: 'Lonely', type: 'service', endpoints: [{ name: 'api' }] });
    assert.equal(
      (await cp.call('POST', paths.connections(A, 'logistics', 'other-app'), { name: 'Lonely', serviceComponentName: 'lonely', endpointName: 'api' })).status,
      201,
    );
    const refused = await cp.call('DELETE', paths.component(A, 'logistics', 'lonely'));
    assert.equal(refused.status, 409, refused.text);
    assert.deepEqual(refused.body.error.uses, [
      { orgHandle: A, projectHandle: 'logistics', componentName: 'other-app', displayName: 'other-app', connectionName: 'Lonely' },
    ]);
    assert.equal((await cp.call('DELETE', paths.connection(A, 'logistics', 'other-app', 'Lonely'))).status, 204);
    assert.equal((await cp.call('DELETE', paths.component(A, 'logistics', 'lonely'))).status, 204);

    // The project: refused for the other project's connections only; its own consumer's go with it.
    const project = await cp.call('DELETE', paths.project(A, 'default'));
    assert.equal(project.status, 409, project.text);
    assert.deepEqual(project.body.error.uses.map((u: { componentName: string; connectionName: string }) => `${u.componentName}: ${u.connectionName}`).sort(), [
      'other-app: To Organization',
      'other-app: To Public',
    ]);
    for (const v of ['Organization', 'Public'] as const)
      assert.equal((await cp.call('DELETE', paths.connection(A, 'logistics', 'other-app', connectionName(v)))).status, 204);
    assert.equal((await cp.call('DELETE', paths.project(A, 'default'))).status, 204);
    assert.equal((await cp.call('GET', paths.component(A, 'default', 'same-app'))).status, 404);
    assert.equal((await cp.call('DELETE', paths.org(A))).status, 204);
    assert.equal((await ok('GET', paths.connections(B, 'default', 'partner-app'))).items.length, 0);
  });
});
