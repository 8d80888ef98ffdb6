// Services in the extension (issue 15), against a real control plane in plain Node: Create Service and the Service
// Overview's upstream edits are one use case each, reached by the command, the form hosts and these tests alike. Bad
// input is refused by the use case before any call, field by field, and nothing already stored is lost; the upstream
// probe says whether a URL answers from this machine.
import * as assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Component } from '../../../src/api';
import { DEFAULT_CORS } from '../../../src/api/cors';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { createService } from '../../../src/useCases/createService';
import { deleteResource } from '../../../src/useCases/deleteResource';
import { UseCaseError } from '../../../src/useCases/errors';
import { probeUpstream } from '../../../src/useCases/probeUpstream';
import { updateEndpoint } from '../../../src/useCases/updateEndpoint';
import type { CreateServicePanel as CreateServicePanelType } from '../../../src/webviews/createService/host';
import { createServiceProtocol } from '../../../src/webviews/createService/protocol';
import type { FormNavigation } from '../../../src/webviews/navigation';
import type { OverviewPanel as OverviewPanelType } from '../../../src/webviews/overview/host';
import { fakePanel, until } from '../webviews/fakePanel';
import { fakeVscode, requireWithFakeVscode } from './fakeVscode';
import { startWorld, type World } from './world';

const src = (p: string) => path.join(__dirname, '..', '..', '..', 'src', p);
const { CreateServicePanel } = requireWithFakeVscode<{ CreateServicePanel: typeof CreateServicePanelType }>(src('webviews/createService/host'));
const { OverviewPanel } = requireWithFakeVscode<{ OverviewPanel: typeof OverviewPanelType }>(src('webviews/overview/host'));

const ORG = 'stark-industries';
const PROJECT = 'default';
const settle = (posted: unknown[], type: string) => until(() => posted.some((m) => (m as { type: string }).type === type), `the host to post "${type}"`);
type Posted = { type: string; fields?: Record<string, string>; message?: string; code?: string };
const last = (posted: unknown[], type: string) => posted.filter((m) => (m as Posted).type === type).at(-1) as Posted | undefined;

async function refusal(job: Promise<unknown>): Promise<UseCaseError> {
  try {
    await job;
  } catch (e) {
    assert.ok(e instanceof UseCaseError, `a UseCaseError, not ${String(e)}`);
    return e;
  }
  assert.fail('it was not refused');
}

function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('services: Create Service and the Service Overview', function () {
  this.timeout(30_000);
  let world: World;
  const opened: unknown[] = [];
  const nav = { onDidChange: () => ({ dispose() {} }), openOverview: (ref: unknown) => void opened.push(ref) } as unknown as FormNavigation;

  before(async () => {
    world = await startWorld();
    await world.client.createOrganization({ name: 'Stark Industries' });
  });
  after(async () => {
    await world?.close();
  });

  it('one URL ("My service runs at") becomes the upstream of every environment; the tree hears of it', async () => {
    const service = await createService(
      world.ctx,
      { orgHandle: ORG, projectHandle: PROJECT },
      { displayName: 'Inventory API', endpoints: [{ name: 'api', upstreamUrl: ' http://localhost:8080/v1 ' }] },
    );
    assert.equal(service.name, 'inventory-api', 'the unique name derived from the display name');
    assert.equal(service.type, 'service');
    assert.deepEqual(service.endpoints?.[0]?.upstreamUrls, { development: 'http://localhost:8080/v1', production: 'http://localhost:8080/v1' });
    assert.equal(service.endpoints?.[0]?.visibility, 'Project', 'the default visibility');
    assert.deepEqual(world.changes.at(-1), { orgHandle: ORG, projectHandle: PROJECT, componentName: 'inventory-api', created: true });
  });

  it('a URL per environment wins over the one URL where given', async () => {
    const service = await createService(
      world.ctx,
      { orgHandle: ORG, projectHandle: PROJECT },
      {
        displayName: 'Billing',
        endpoints: [
          { name: 'api', visibility: 'Organization', upstreamUrl: 'http://localhost:9000', upstreamUrls: { production: 'https://billing.staging.example' } },
        ],
      },
    );
    assert.deepEqual(service.endpoints?.[0]?.upstreamUrls, { development: 'http://localhost:9000', production: 'https://billing.staging.example' });
    assert.equal(service.endpoints?.[0]?.visibility, 'Organization');
  });

  it("refuses a URL that is not http/https under that endpoint's one URL, before any call: nothing is created", async () => {
    for (const [bad, said] of [
      // What people type most: the URL without its scheme, answered with the URL they meant.
      ['localhost:8080', 'Start the URL with http:// or https://, as in http://localhost:8080.'],
      ['ftp://files.example', 'Enter an http or https URL.'],
      ['not a url', 'Enter an http or https URL.'],
    ] as const) {
      const e = await refusal(
        createService(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Bad URL', endpoints: [{ name: 'api', upstreamUrl: bad }] }),
      );
      assert.equal(e.code, 'validation_failed');
      assert.deepEqual(Object.keys(e.fields), ['endpoints.0.upstreamUrl'], `${bad}: ${JSON.stringify(e.fields)}`);
      assert.equal(e.fields['endpoints.0.upstreamUrl'], said);
      assert.equal(e.message, said, 'said once, though copied into two environments');
    }
    await assert.rejects(world.client.getComponent(ORG, PROJECT, 'bad-url'), (err: Error & { code?: string }) => err.code === 'not_found');
  });

  it('refuses an environment the organization does not have, naming the ones it has', async () => {
    const e = await refusal(
      createService(
        world.ctx,
        { orgHandle: ORG, projectHandle: PROJECT },
        { displayName: 'Staging Only', endpoints: [{ name: 'api', upstreamUrls: { staging: 'http://localhost:1' } }] },
      ),
    );
    assert.deepEqual(Object.keys(e.fields), ['endpoints.0.upstreamUrls.staging']);
    assert.match(e.message, /no environment "staging"; use one of: development, production/);
  });

  it('the form: a bad URL lands under its field, a taken name under the unique name, and the form stays open (what was typed stays there)', async () => {
    const fake = fakePanel();
    new CreateServicePanel(fake.panel as never, createServiceProtocol, { orgHandle: ORG, projectHandle: PROJECT }, world.ctx, nav);
    fake.send({ type: 'ready' });
    await settle(fake.posted, 'init');
    const init = last(fake.posted, 'init') as unknown as { environments: Record<string, { handle: string }[]>; selected: unknown };
    assert.deepEqual(
      init.environments[ORG]?.map((e) => e.handle),
      ['development', 'production'],
    );
    assert.deepEqual(init.selected, { orgHandle: ORG, projectHandle: PROJECT });
    const draft = { name: 'api', visibility: 'Project', upstreamUrl: 'http://localhost:8080', perEnvironment: false, upstreamUrls: {} };
    const create = (o: object) => ({
      type: 'create',
      project: { orgHandle: ORG, projectHandle: PROJECT },
      displayName: 'Inventory API',
      name: 'inventory-api',
      description: '',
      endpoints: [draft],
      ...o,
    });

    fake.send(
      create({
        name: 'orders',
        endpoints: [{ ...draft, perEnvironment: true, upstreamUrls: { development: 'http://localhost:1', production: 'localhost:2' } }],
      }),
    );
    await settle(fake.posted, 'formError');
    let error = last(fake.posted, 'formError')!;
    assert.deepEqual(error.fields, { 'endpoint-0-url-production': 'Start the URL with http:// or https://, as in http://localhost:2.' });
    assert.equal(error.message, 'Check the marked fields.');

    fake.posted.length = 0;
    fake.send(create({}));
    await settle(fake.posted, 'formError');
    error = last(fake.posted, 'formError')!;
    assert.equal(error.code, 'name_taken');
    assert.ok(error.fields?.name, `under the unique name: ${JSON.stringify(error)}`);
    assert.equal(fake.panel.disposed, false, 'the form stays open');
    assert.equal(opened.length, 0);

    fake.posted.length = 0;
    fake.send(create({ displayName: 'Orders', name: 'orders' }));
    for (let i = 0; i < 100 && !fake.panel.disposed; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(fake.panel.disposed, true, `created, the form gives way to the Overview: ${JSON.stringify(fake.posted)}`);
    assert.deepEqual(opened.at(-1), { orgHandle: ORG, projectHandle: PROJECT, componentName: 'orders' });
  });

  describe('the Service Overview', () => {
    let service: Component;
    let consumer: Component;
    before(async () => {
      service = await createService(
        world.ctx,
        { orgHandle: ORG, projectHandle: PROJECT },
        { displayName: 'Catalog', endpoints: [{ name: 'api', upstreamUrl: 'http://127.0.0.1:9/' }] },
      );
      consumer = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Web Shop' });
      await world.client.createConnection(ORG, PROJECT, consumer.name, { name: 'Catalog', serviceComponentName: service.name, endpointName: 'api' });
    });

    function overview() {
      const fake = fakePanel();
      new OverviewPanel(fake.panel as never, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, world.ctx, nav);
      return fake;
    }

    it('shows the consumers connected to each endpoint, and says whether each upstream URL answered', async () => {
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'probed');
      const data = last(fake.posted, 'data') as unknown as {
        connectedConsumers: { endpointName: string; connectionName: string; consumer: { name: string } }[];
      };
      assert.deepEqual(
        data.connectedConsumers.map((c) => [c.endpointName, c.connectionName, c.consumer.name]),
        [['api', 'Catalog', 'stark-web-shop']],
      );
      const probed = last(fake.posted, 'probed') as unknown as { url: string; answered: boolean; summary: string };
      assert.equal(probed.url, 'http://127.0.0.1:9/');
      assert.equal(probed.answered, false);
      assert.match(probed.summary, /^did not answer: connection refused; start your service/);
    });

    it('issue 22 row 6: Revoke asks first, naming the consumer and its project, and revokes only when confirmed; the page then shows it revoked', async () => {
      const kiosk = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Kiosk' });
      await world.client.createConnection(ORG, PROJECT, kiosk.name, { name: 'Kiosk Catalog', serviceComponentName: service.name, endpointName: 'api' });
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'data');
      type Incoming = { connectionId: string; connectionName: string; revoked?: { byOrgHandle: string } };
      const kioskOf = () =>
        (last(fake.posted, 'data') as unknown as { connectedConsumers: Incoming[] }).connectedConsumers.find((c) => c.connectionName === 'Kiosk Catalog')!;
      const incoming = kioskOf();
      const revokedNow = async () =>
        (await world.client.listConnectedConsumers(ORG, PROJECT, service.name)).find((c) => c.connectionId === incoming.connectionId)!.revoked;
      fakeVscode.warnings.length = 0;
      // Dismissed: nothing happens.
      fakeVscode.warningAnswer = undefined;
      fake.send({ type: 'revokeConnection', connectionId: incoming.connectionId });
      while (fakeVscode.warnings.length < 1) await new Promise((r) => setTimeout(r, 10));
      assert.match(fakeVscode.warnings[0], /^Revoke the connection "Kiosk Catalog" of Stark Kiosk \(project default\) to catalog\/api\?/);
      assert.equal(await revokedNow(), undefined);
      // A connection the page does not show is not revoked, and not asked about.
      fake.send({ type: 'revokeConnection', connectionId: 'not-shown' });
      // Confirmed: revoked, and the page reloads showing it.
      fakeVscode.warningAnswer = 'Revoke';
      const datas = fake.posted.filter((m) => (m as Posted).type === 'data').length;
      fake.send({ type: 'revokeConnection', connectionId: incoming.connectionId });
      while (fake.posted.filter((m) => (m as Posted).type === 'data').length === datas) await new Promise((r) => setTimeout(r, 10));
      assert.equal(fakeVscode.warnings.length, 2, 'asked once more, not for the one not shown');
      assert.equal(kioskOf().revoked?.byOrgHandle, ORG);
      assert.equal((await revokedNow())?.byOrgHandle, ORG);
      fakeVscode.warningAnswer = undefined;
      await world.client.deleteComponent(ORG, PROJECT, kiosk.name);
    });

    it('on a team server, opening the page makes this machine call none of the upstream URLs its members wrote', async () => {
      const upstream = await listen((_req, res) => res.writeHead(200).end());
      const seen: string[] = [];
      upstream.server.on('request', (req) => seen.push(req.url ?? ''));
      try {
        await updateEndpoint(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, 'api', {
          upstreamUrls: { development: `${upstream.url}/admin/delete-everything` },
        });
        // The same control plane, named as a team server would be (the calls still go where they went).
        const client = await world.ctx.client();
        const remote = new Proxy(client, {
          get: (c, key) => {
            if (key === 'baseUrl') return 'https://choreo-cp.example.com';
            const v = Reflect.get(c, key, c) as unknown;
            return typeof v === 'function' ? v.bind(c) : v;
          },
        });
        const fake = fakePanel();
        new OverviewPanel(
          fake.panel as never,
          { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name },
          { ...world.ctx, client: async () => remote },
          nav,
        );
        fake.send({ type: 'ready' });
        await settle(fake.posted, 'data');
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(last(fake.posted, 'data'), 'the page shows');
        assert.equal(last(fake.posted, 'probed'), undefined);
        assert.deepEqual(seen, [], 'no call from this machine');
        // On the local control plane, the same page does probe it.
        const local = overview();
        local.send({ type: 'ready' });
        // The page probes each environment's URL on its own; another one's answer may come first (a refused port
        // answers at once), so wait for this URL's call itself.
        await until(() => seen.length > 0, 'the local page to probe the URL');
        assert.deepEqual(seen, ['/admin/delete-everything']);
      } finally {
        await updateEndpoint(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, 'api', {
          upstreamUrls: { development: 'http://127.0.0.1:9/' },
        });
        upstream.server.close();
      }
    });

    it("a connected consumer's link opens its Overview; one the page does not show is refused", async () => {
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'data');
      opened.length = 0;
      fake.send({ type: 'openConsumer', consumer: { orgHandle: ORG, projectHandle: PROJECT, componentName: 'someone-else' } });
      fake.send({ type: 'openConsumer', consumer: { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name } });
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(opened, [{ orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name }]);
      assert.ok(world.lines.some((l) => /refused openConsumer \(not_shown\)/.test(l)));
    });

    it("saves one environment's upstream URL (the other keeps its own); a bad one lands under its field and nothing stored changes", async () => {
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'data');
      fake.send({ type: 'saveUpstream', endpoint: 'api', environment: 'production', url: 'not a url' });
      await settle(fake.posted, 'formError');
      assert.deepEqual(last(fake.posted, 'formError')?.fields, { 'upstream-api-production': 'Enter an http or https URL.' });
      assert.deepEqual((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.upstreamUrls, {
        development: 'http://127.0.0.1:9/',
        production: 'http://127.0.0.1:9/',
      });
      fake.send({ type: 'saveUpstream', endpoint: 'api', environment: 'production', url: ' https://catalog.example/ ' });
      await settle(fake.posted, 'saved');
      assert.deepEqual(last(fake.posted, 'saved'), { type: 'saved', field: 'upstream-api-production' });
      assert.deepEqual((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.upstreamUrls, {
        development: 'http://127.0.0.1:9/',
        production: 'https://catalog.example/',
      });
      assert.deepEqual(world.changes.at(-1), { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name });
    });

    it('narrowing a visibility that a consumer of another project stands in the way of is refused, naming it, with a link the page then follows', async () => {
      await world.client.createProject(ORG, { name: 'Storefront', description: '' });
      const other = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: 'storefront' }, { displayName: 'Kiosk' });
      await updateEndpoint(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, 'api', { visibility: 'Organization' });
      await world.client.createConnection(ORG, 'storefront', other.name, {
        name: 'Catalog',
        serviceProjectHandle: PROJECT,
        serviceComponentName: service.name,
        endpointName: 'api',
      });
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'data');
      fake.send({ type: 'saveVisibility', endpoint: 'api', visibility: 'Project' });
      await settle(fake.posted, 'refused');
      const refused = last(fake.posted, 'refused') as unknown as {
        field: string;
        code: string;
        message: string;
        uses: { projectHandle: string; componentName: string; connectionName?: string }[];
      };
      assert.equal(refused.field, 'visibility-api');
      assert.equal(refused.code, 'in_use');
      assert.match(refused.message, /storefront\/kiosk/);
      assert.deepEqual(
        refused.uses.map((u) => [u.projectHandle, u.componentName, u.connectionName]),
        [['storefront', 'kiosk', 'Catalog']],
      );
      assert.equal(last(fake.posted, 'formError'), undefined, 'said once');
      assert.equal((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.visibility, 'Organization', 'nothing changed');
      opened.length = 0;
      fake.send({ type: 'openConsumer', consumer: { orgHandle: ORG, projectHandle: 'storefront', componentName: 'kiosk' } });
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(opened, [{ orgHandle: ORG, projectHandle: 'storefront', componentName: 'kiosk' }]);
      fake.send({ type: 'saveVisibility', endpoint: 'api', visibility: 'Public' });
      await settle(fake.posted, 'saved');
      assert.deepEqual(last(fake.posted, 'saved'), { type: 'saved', field: 'visibility-api' });
      assert.equal((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.visibility, 'Public');
    });

    it('Save CORS: a refused setting lands under its fields (credentials with any origin says why) and changes nothing; a good one is stored', async () => {
      const fake = overview();
      fake.send({ type: 'ready' });
      await settle(fake.posted, 'data');
      const shown = (last(fake.posted, 'data') as unknown as { component: Component }).component.endpoints?.[0]?.cors;
      assert.deepEqual(shown, DEFAULT_CORS, 'the page shows the default of an endpoint nobody set');
      fake.send({ type: 'saveCors', endpoint: 'api', cors: { ...DEFAULT_CORS, allowOrigins: ['*', 'https://shop.stark.test/app'], allowCredentials: true } });
      await settle(fake.posted, 'formError');
      const fields = last(fake.posted, 'formError')?.fields ?? {};
      assert.deepEqual(Object.keys(fields).sort(), ['cors-api-allowCredentials', 'cors-api-allowOrigins']);
      assert.match(fields['cors-api-allowCredentials'], /Credentials cannot go with any origin/);
      assert.match(fields['cors-api-allowOrigins'], /https:\/\/shop\.stark\.test \(scheme, host and port only/);
      assert.deepEqual((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.cors, DEFAULT_CORS, 'nothing changed');

      fake.send({ type: 'saveCors', endpoint: 'api', cors: { ...DEFAULT_CORS, allowMethods: ['GET', 'FETCH'] } });
      await until(() => last(fake.posted, 'formError')?.fields?.['cors-api-allowMethods'] !== undefined, 'the method refused under its field');

      const good = {
        allowOrigins: ['https://shop.stark.test'],
        allowMethods: ['GET', 'POST'] as const,
        allowHeaders: ['authorization'],
        allowCredentials: true,
        maxAge: 300,
      };
      fake.send({ type: 'saveCors', endpoint: 'api', cors: { ...good, allowMethods: [...good.allowMethods] } });
      await settle(fake.posted, 'saved');
      assert.deepEqual(last(fake.posted, 'saved'), { type: 'saved', field: 'cors-api' });
      assert.deepEqual((await world.client.getComponent(ORG, PROJECT, service.name)).endpoints?.[0]?.cors, good);
      assert.ok(world.lines.some((l) => /Changed endpoint api .*CORS \(origins https:\/\/shop\.stark\.test\)/.test(l)));
      fake.send({ type: 'saveCors', endpoint: 'nope', cors: good as never });
      await until(() => world.lines.some((l) => /refused saveCors \(not_shown\)/.test(l)), 'an endpoint the page does not show refused');
    });

    it('updateEndpoint refuses an unknown environment by name, and an endpoint the service does not have', async () => {
      const e = await refusal(
        updateEndpoint(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, 'api', {
          upstreamUrls: { staging: 'http://localhost:1' },
        }),
      );
      assert.deepEqual(Object.keys(e.fields), ['upstreamUrls.staging']);
      assert.match(e.message, /no environment "staging"/);
      await assert.rejects(
        updateEndpoint(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, 'nope', {
          upstreamUrls: { development: 'http://localhost:1' },
        }),
        (err: Error & { code?: string }) => err.code === 'not_found',
      );
    });

    it('Delete of a service with a connection is refused, naming the consumer and its connection, and the service stays', async () => {
      await assert.rejects(
        deleteResource(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: service.name }, { confirmed: true }),
        (err: Error & { code?: string; uses?: { componentName: string; connectionName?: string }[] }) => {
          assert.equal(err.code, 'in_use');
          assert.match(err.message, /stark-web-shop/);
          assert.deepEqual(
            err.uses?.map((u) => [u.componentName, u.connectionName]),
            [
              ['stark-web-shop', 'Catalog'],
              ['kiosk', 'Catalog'],
            ],
          );
          return true;
        },
      );
      assert.equal((await world.client.getComponent(ORG, PROJECT, service.name)).name, service.name);
    });
  });

  describe('the upstream probe, from this machine', () => {
    let up: { server: Server; url: string };
    before(async () => {
      up = await listen((_req, res) => res.writeHead(204).end());
    });
    after(() => up?.server.close());

    it('says the status a URL answered with, and why one did not', async () => {
      const yes = await probeUpstream(up.url, 'http://127.0.0.1:7480');
      assert.deepEqual(yes, { answered: true, status: 204, summary: 'answered HTTP 204 from this machine' });
      const closed = await listen(() => undefined);
      const url = closed.url;
      await new Promise((r) => closed.server.close(r));
      const no = await probeUpstream(url, 'http://127.0.0.1:7480');
      assert.equal(no.answered, false);
      assert.equal(no.summary, 'did not answer: connection refused; start your service, the gateway will call it on each request');
    });

    it('gives up after its time-out on a URL that never answers', async () => {
      const silent = await listen(() => undefined); // accepts, never answers
      try {
        const r = await probeUpstream(silent.url, 'http://127.0.0.1:7480', 300);
        assert.equal(r.answered, false);
        assert.match(r.summary, /no answer in 0.3 s/);
      } finally {
        silent.server.closeAllConnections();
        silent.server.close();
      }
    });

    it("says when a team server's gateway would call its own localhost, not this machine's", async () => {
      const r = await probeUpstream(up.url, 'https://choreo-cp.example.com');
      assert.match(r.remoteNote ?? '', /choreo-cp\.example\.com is a team server: its gateway calls 127\.0\.0\.1:\d+ on that server, not on this machine/);
      assert.equal((await probeUpstream(up.url, 'http://localhost:7480')).remoteNote, undefined);
      assert.equal((await probeUpstream('https://example.invalid/', 'https://choreo-cp.example.com', 500)).remoteNote, undefined);
    });
  });
});
