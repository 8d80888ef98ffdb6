/** Every management route over real HTTP against a control plane process, with its bad inputs. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ApiErrorBody, AuthConfiguration, Component, Environment, IdentityProvider, IssuedKeys, Organization, page, paths, Project } from '../../src/api';
import { ControlPlane } from './helpers/controlPlane';

function expectError(res: { status: number; body: unknown }, status: number, code: string): z.infer<typeof ApiErrorBody> {
  assert.equal(res.status, status, JSON.stringify(res.body));
  const parsed = ApiErrorBody.parse(res.body);
  assert.equal(parsed.error.code, code);
  assert.ok(parsed.error.message.length > 10, 'the message says what to do');
  return parsed;
}

describe('management API', function () {
  this.timeout(20_000);
  let cp: ControlPlane;
  const org = 'stark-industries';

  before(async () => {
    cp = await ControlPlane.start();
  });
  after(async () => {
    assert.equal(await cp.stop(), 0, 'stops cleanly on SIGTERM');
    assert.ok(!fs.existsSync(path.join(cp.dataDir, 'lock')), 'releases the data folder lock');
  });

  describe('access', () => {
    it('answers /healthz without a token', async () => {
      const res = await cp.call('GET', '/healthz', undefined, { token: null });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
      // package.json's in a build; 0.0.0-source run from source (src/controlPlane/version.ts): semver either way.
      assert.match(res.body.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/);
    });

    it('writes the admin token with mode 0600', () => {
      assert.equal(fs.statSync(path.join(cp.dataDir, 'admin-token')).mode & 0o777, 0o600);
      assert.ok(cp.token.length >= 43);
    });

    it('refuses management calls without the admin token, or with a wrong one', async () => {
      const none = await cp.call('GET', paths.orgs(), undefined, { token: null });
      expectError(none, 401, 'unauthorized');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      expectError(await cp.call('GET', paths.orgs(), undefined, { token: 'x'.repeat(43) }), 401, 'unauthorized');
      expectError(await cp.call('GET', paths.orgs(), undefined, { headers: { authorization: `Basic ${cp.token}` }, token: null }), 401, 'unauthorized');
    });

    it('answers unknown paths with not_found and wrong methods with method_not_allowed', async () => {
      expectError(await cp.call('GET', '/api/v1/nothing'), 404, 'not_found');
      const res = await cp.call('PUT', paths.orgs());
      expectError(res, 405, 'method_not_allowed');
      assert.equal(res.headers.get('allow'), 'GET, POST');
    });
  });

  describe('organizations', () => {
    it('creates "Stark Industries" with its environments, built-in identity provider and default project', async () => {
      const res = await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
      assert.equal(res.status, 201);
      const created = Organization.parse(res.body);
      assert.equal(created.handle, org);
      assert.equal(created.name, 'Stark Industries');

      const envs = await cp.call('GET', paths.environments(org));
      const items = z.object({ items: z.array(Environment) }).parse(envs.body).items;
      assert.deepEqual(
        items.map((e) => [e.handle, e.name, e.critical]),
        [
          ['development', 'Development', false],
          ['production', 'Production', true],
        ],
      );

      const idps = z.object({ items: z.array(IdentityProvider) }).parse((await cp.call('GET', paths.identityProviders(org))).body).items;
      assert.equal(idps.length, 1);
      assert.equal(idps[0].kind, 'built-in');
      assert.equal(idps[0].issuer, `${cp.url}/oauth2/${org}`);
      assert.equal(idps[0].tokenEndpoint, `${cp.url}/oauth2/${org}/token`);
      assert.equal(idps[0].jwksUri, `${cp.url}/oauth2/${org}/jwks`);
      const one = await cp.call('GET', paths.identityProvider(org, idps[0].id));
      assert.deepEqual(IdentityProvider.parse(one.body), idps[0]);

      const projects = page(Project).parse((await cp.call('GET', paths.projects(org))).body);
      assert.deepEqual(
        projects.items.map((p) => [p.handle, p.name]),
        [['default', 'Default Project']],
      );
    });

    it('refuses a second organization with the same name (any case) or handle: name_taken', async () => {
      const byName = expectError(await cp.call('POST', paths.orgs(), { name: 'stark industries', handle: 'other' }), 409, 'name_taken');
      assert.equal(byName.error.fields?.[0].path, 'name');
      const byHandle = expectError(await cp.call('POST', paths.orgs(), { name: 'Stark Two', handle: org }), 409, 'name_taken');
      assert.equal(byHandle.error.fields?.[0].path, 'handle');
      const list = page(Organization).parse((await cp.call('GET', paths.orgs())).body);
      assert.deepEqual(
        list.items.map((o) => o.handle),
        [org],
        'nothing else was stored',
      );
    });

    it('refuses bad bodies with validation_failed and field paths', async () => {
      const bad = expectError(await cp.call('POST', paths.orgs(), { name: '', handle: 'Not A Label' }), 400, 'validation_failed');
      assert.deepEqual(bad.error.fields?.map((f) => f.path).sort(), ['handle', 'name']);
      const unknown = expectError(await cp.call('POST', paths.orgs(), { name: 'X', color: 'red' }), 400, 'validation_failed');
      assert.match(unknown.error.message, /color/);
      expectError(await cp.call('POST', paths.orgs(), { name: '!!!' }), 400, 'validation_failed');
      expectError(
        await cp.call('POST', paths.orgs(), undefined, { raw: '{"name":', headers: { 'content-type': 'application/json' } }),
        400,
        'validation_failed',
      );
      expectError(await cp.call('POST', paths.orgs(), undefined, { raw: '[1]', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
      expectError(await cp.call('POST', paths.orgs()), 400, 'validation_failed');
      expectError(await cp.call('POST', paths.orgs(), undefined, { raw: 'name=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
      const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
      expectError(await cp.call('POST', paths.orgs(), undefined, { raw: huge, headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large');
    });

    it('gets an organization and answers not_found for an unknown one', async () => {
      assert.equal(Organization.parse((await cp.call('GET', paths.org(org))).body).handle, org);
      const missing = expectError(await cp.call('GET', paths.org('wayne-enterprises')), 404, 'not_found');
      assert.match(missing.error.message, /wayne-enterprises/);
      expectError(await cp.call('GET', paths.environments('wayne-enterprises')), 404, 'not_found');
      expectError(await cp.call('GET', paths.identityProviders('wayne-enterprises')), 404, 'not_found');
    });

    it('pages and filters organizations by prefix', async () => {
      for (const n of ['Acme A', 'Acme B', 'Acme C']) assert.equal((await cp.call('POST', paths.orgs(), { name: n })).status, 201);
      const first = page(Organization).parse((await cp.call('GET', `${paths.orgs()}?prefix=acme&limit=2`)).body);
      assert.deepEqual(
        first.items.map((o) => o.handle),
        ['acme-a', 'acme-b'],
      );
      assert.ok(first.nextCursor);
      const second = page(Organization).parse((await cp.call('GET', `${paths.orgs()}?prefix=acme&limit=2&cursor=${first.nextCursor}`)).body);
      assert.deepEqual(
        second.items.map((o) => o.handle),
        ['acme-c'],
      );
      assert.equal(second.nextCursor, undefined);
      expectError(await cp.call('GET', `${paths.orgs()}?limit=0`), 400, 'validation_failed');
      expectError(await cp.call('GET', `${paths.orgs()}?limit=501`), 400, 'validation_failed');
      expectError(await cp.call('GET', `${paths.orgs()}?cursor=garbage`), 400, 'validation_failed');
      expectError(await cp.call('GET', `${paths.orgs()}?sort=name`), 400, 'validation_failed');
    });

    it('deletes an organization with everything in it', async () => {
      await cp.call('POST', paths.components('acme-a', 'default'), { displayName: 'App', name: 'app', type: 'external-consumer' });
      const keys = await cp.call('POST', `${paths.authFor('acme-a', 'default', 'app', 'development')}/generate-keys`);
      assert.equal(keys.status, 201);
      assert.equal((await cp.call('DELETE', paths.org('acme-a'))).status, 204);
      expectError(await cp.call('GET', paths.org('acme-a')), 404, 'not_found');
      expectError(await cp.call('GET', paths.component('acme-a', 'default', 'app')), 404, 'not_found');
      // Its name is free again.
      assert.equal((await cp.call('POST', paths.orgs(), { name: 'Acme A' })).status, 201);
      expectError(await cp.call('DELETE', paths.org('acme-zz')), 404, 'not_found');
    });
  });

  describe('identity providers', () => {
    it('refuses to delete the built-in identity provider, and answers not_found for unknown ones', async () => {
      const idps = (await cp.call('GET', paths.identityProviders(org))).body.items;
      expectError(await cp.call('DELETE', paths.identityProvider(org, idps[0].id)), 409, 'conflict');
      expectError(await cp.call('GET', paths.identityProvider(org, 'nope')), 404, 'not_found');
      expectError(await cp.call('GET', paths.identityProvider('acme-b', idps[0].id)), 404, 'not_found');
    });
  });

  describe('projects', () => {
    it('creates, gets, updates, lists and deletes a project', async () => {
      const res = await cp.call('POST', paths.projects(org), { name: 'Mobile Apps', description: 'Phones' });
      assert.equal(res.status, 201);
      const p = Project.parse(res.body);
      assert.deepEqual([p.handle, p.orgHandle, p.name, p.description], ['mobile-apps', org, 'Mobile Apps', 'Phones']);
      assert.deepEqual(Project.parse((await cp.call('GET', paths.project(org, 'mobile-apps'))).body), p);
      const patched = Project.parse((await cp.call('PATCH', paths.project(org, 'mobile-apps'), { description: 'iOS and Android' })).body);
      assert.equal(patched.description, 'iOS and Android');
      assert.equal(patched.name, 'Mobile Apps');
      const list = page(Project).parse((await cp.call('GET', `${paths.projects(org)}?prefix=mob`)).body);
      assert.deepEqual(
        list.items.map((x) => x.handle),
        ['mobile-apps'],
      );
      assert.equal((await cp.call('DELETE', paths.project(org, 'mobile-apps'))).status, 204);
      expectError(await cp.call('GET', paths.project(org, 'mobile-apps')), 404, 'not_found');
    });

    it('refuses a duplicate handle, bad input and unknown projects', async () => {
      expectError(await cp.call('POST', paths.projects(org), { name: 'Default' }), 409, 'name_taken');
      expectError(await cp.call('POST', paths.projects(org), { name: 'X', handle: '-bad-' }), 400, 'validation_failed');
      expectError(await cp.call('POST', paths.projects(org), { name: 'X', description: 'd'.repeat(1001) }), 400, 'validation_failed');
      expectError(await cp.call('PATCH', paths.project(org, 'default'), { handle: 'renamed' }), 400, 'validation_failed');
      expectError(await cp.call('PATCH', paths.project(org, 'default'), { name: '   ' }), 400, 'validation_failed');
      expectError(await cp.call('PATCH', paths.project(org, 'nope'), { name: 'Y' }), 404, 'not_found');
      expectError(await cp.call('POST', paths.projects('nope'), { name: 'Y' }), 404, 'not_found');
      expectError(await cp.call('DELETE', paths.project(org, 'nope')), 404, 'not_found');
      assert.equal(Project.parse((await cp.call('GET', paths.project(org, 'default'))).body).name, 'Default Project', 'unchanged');
    });
  });

  describe('components', () => {
    const proj = 'default';

    it('creates an external consumer and a service with endpoints', async () => {
      const res = await cp.call('POST', paths.components(org, proj), {
        displayName: 'Stark Mobile App',
        name: 'stark-mobile-app',
        description: 'The iOS app',
        type: 'external-consumer',
      });
      assert.equal(res.status, 201);
      const c = Component.parse(res.body);
      assert.deepEqual([c.orgHandle, c.projectHandle, c.name, c.type, c.endpoints], [org, proj, 'stark-mobile-app', 'external-consumer', undefined]);

      const svc = await cp.call('POST', paths.components(org, proj), {
        displayName: 'Orders',
        name: 'orders',
        type: 'service',
        endpoints: [{ name: 'orders-api', upstreamUrls: { development: 'http://127.0.0.1:9000' } }],
      });
      assert.equal(svc.status, 201, svc.text);
      const s = Component.parse(svc.body);
      assert.equal(s.endpoints![0].visibility, 'Project');
      assert.deepEqual(s.endpoints![0].upstreamUrls, { development: 'http://127.0.0.1:9000' });
      assert.equal(s.endpoints![0].gatewayUrls.production, `${cp.url}/gw/${org}/${proj}/orders/orders-api/production`);
    });

    it('gets, updates, lists by type and deletes components', async () => {
      assert.equal(Component.parse((await cp.call('GET', paths.component(org, proj, 'stark-mobile-app'))).body).displayName, 'Stark Mobile App');
      const updated = Component.parse((await cp.call('PATCH', paths.component(org, proj, 'stark-mobile-app'), { displayName: 'Stark Phone App' })).body);
      assert.equal(updated.displayName, 'Stark Phone App');
      assert.equal(updated.description, 'The iOS app');
      const svc = Component.parse(
        (await cp.call('PATCH', paths.component(org, proj, 'orders'), { endpoints: [{ name: 'orders-api', visibility: 'Public', upstreamUrls: {} }] })).body,
      );
      assert.equal(svc.endpoints![0].visibility, 'Public');
      const consumers = page(Component).parse((await cp.call('GET', `${paths.components(org, proj)}?type=external-consumer`)).body);
      assert.deepEqual(
        consumers.items.map((x) => x.name),
        ['stark-mobile-app'],
      );
      const all = page(Component).parse((await cp.call('GET', paths.components(org, proj))).body);
      assert.deepEqual(
        all.items.map((x) => x.name),
        ['orders', 'stark-mobile-app'],
      );
      expectError(await cp.call('GET', `${paths.components(org, proj)}?type=database`), 400, 'validation_failed');
    });

    it('refuses duplicates, bad names, endpoints on consumers, unknown environments', async () => {
      const dup = expectError(
        await cp.call('POST', paths.components(org, proj), { displayName: 'Again', name: 'stark-mobile-app', type: 'external-consumer' }),
        409,
        'name_taken',
      );
      assert.equal(dup.error.fields?.[0].path, 'name');
      const bad = expectError(
        await cp.call('POST', paths.components(org, proj), { displayName: '', name: 'Upper_Case', type: 'bot' }),
        400,
        'validation_failed',
      );
      assert.deepEqual(bad.error.fields?.map((f) => f.path).sort(), ['displayName', 'name', 'type']);
      expectError(await cp.call('POST', paths.components(org, proj), { displayName: 'L', name: 'a'.repeat(64), type: 'service' }), 400, 'validation_failed');
      const ep = expectError(
        await cp.call('POST', paths.components(org, proj), { displayName: 'C', name: 'c', type: 'external-consumer', endpoints: [] }),
        400,
        'validation_failed',
      );
      assert.equal(ep.error.fields?.[0].path, 'endpoints');
      const env = expectError(
        await cp.call('POST', paths.components(org, proj), {
          displayName: 'S',
          name: 's',
          type: 'service',
          endpoints: [{ name: 'e', upstreamUrls: { staging: 'http://127.0.0.1:1' } }],
        }),
        400,
        'validation_failed',
      );
      assert.equal(env.error.fields?.[0].path, 'endpoints.0.upstreamUrls.staging');
      const url = expectError(
        await cp.call('POST', paths.components(org, proj), {
          displayName: 'S',
          name: 's',
          type: 'service',
          endpoints: [{ name: 'e', upstreamUrls: { development: 'ftp://x' } }],
        }),
        400,
        'validation_failed',
      );
      assert.equal(url.error.fields?.[0].path, 'endpoints.0.upstreamUrls.development');
      expectError(await cp.call('PATCH', paths.component(org, proj, 'stark-mobile-app'), { endpoints: [] }), 400, 'validation_failed');
      expectError(await cp.call('PATCH', paths.component(org, proj, 'stark-mobile-app'), { type: 'service' }), 400, 'validation_failed');
      expectError(await cp.call('GET', paths.component(org, proj, 'nope')), 404, 'not_found');
      expectError(await cp.call('POST', paths.components(org, 'nope'), { displayName: 'C', name: 'c', type: 'service' }), 404, 'not_found');
      const list = page(Component).parse((await cp.call('GET', paths.components(org, proj))).body);
      assert.deepEqual(
        list.items.map((x) => x.name),
        ['orders', 'stark-mobile-app'],
        'nothing else was stored',
      );
    });
  });

  describe('authentication configurations', () => {
    const proj = 'default';
    const c = 'stark-mobile-app';

    it('Generate Keys returns the client ID and the secret once, and stores no secret', async () => {
      expectError(await cp.call('GET', paths.authFor(org, proj, c, 'development')), 404, 'not_found');
      const res = await cp.call('POST', `${paths.authFor(org, proj, c, 'development')}/generate-keys`);
      assert.equal(res.status, 201);
      const issued = IssuedKeys.parse(res.body);
      assert.match(issued.clientSecret, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
      assert.match(issued.authConfiguration.clientId, /^[A-Za-z0-9_-]{16,}$/);
      assert.equal(issued.authConfiguration.identityProviderKind, 'built-in');
      assert.equal(issued.authConfiguration.hasSecret, true);
      assert.equal(issued.authConfiguration.tokenUrl, `${cp.url}/oauth2/${org}/token`);

      const got = AuthConfiguration.parse((await cp.call('GET', paths.authFor(org, proj, c, 'development'))).body);
      assert.deepEqual(got, issued.authConfiguration);
      assert.ok(!JSON.stringify(got).includes(issued.clientSecret));
      const list = z.object({ items: z.array(AuthConfiguration) }).parse((await cp.call('GET', paths.auth(org, proj, c))).body);
      assert.deepEqual(
        list.items.map((a) => a.environment),
        ['development'],
      );
      for (const f of fs.readdirSync(cp.dataDir)) {
        assert.ok(!fs.readFileSync(path.join(cp.dataDir, f), 'utf8').includes(issued.clientSecret), `${f} holds no secret`);
      }
    });

    it('Generate Keys again is a conflict that points to Regenerate Secret', async () => {
      const res = expectError(await cp.call('POST', `${paths.authFor(org, proj, c, 'development')}/generate-keys`), 409, 'conflict');
      assert.match(res.error.message, /Regenerate Secret/);
    });

    it('Regenerate Secret keeps the client ID and gives a new secret', async () => {
      const before = AuthConfiguration.parse((await cp.call('GET', paths.authFor(org, proj, c, 'development'))).body);
      const res = await cp.call('POST', `${paths.authFor(org, proj, c, 'development')}/regenerate-secret`);
      assert.equal(res.status, 200);
      const issued = IssuedKeys.parse(res.body);
      assert.equal(issued.authConfiguration.clientId, before.clientId);
      expectError(await cp.call('POST', `${paths.authFor(org, proj, c, 'production')}/regenerate-secret`), 404, 'not_found');
    });

    it('refuses unknown environments, services, and Add Keys with the built-in or an unknown provider', async () => {
      expectError(await cp.call('POST', `${paths.authFor(org, proj, c, 'staging')}/generate-keys`), 404, 'not_found');
      expectError(await cp.call('POST', `${paths.authFor(org, proj, 'orders', 'development')}/generate-keys`), 409, 'conflict');
      expectError(await cp.call('GET', paths.auth(org, proj, 'nope')), 404, 'not_found');
      const idps = (await cp.call('GET', paths.identityProviders(org))).body.items;
      const builtIn = expectError(
        await cp.call('PUT', `${paths.authFor(org, proj, c, 'production')}/external`, { identityProviderId: idps[0].id, clientId: 'abc' }),
        400,
        'validation_failed',
      );
      assert.match(builtIn.error.message, /Generate Keys/);
      expectError(
        await cp.call('PUT', `${paths.authFor(org, proj, c, 'production')}/external`, { identityProviderId: 'nope', clientId: 'abc' }),
        400,
        'validation_failed',
      );
      const blank = expectError(
        await cp.call('PUT', `${paths.authFor(org, proj, c, 'production')}/external`, { identityProviderId: 'x', clientId: ' ' }),
        400,
        'validation_failed',
      );
      assert.equal(blank.error.fields?.[0].path, 'clientId');
      expectError(await cp.call('GET', paths.authFor(org, proj, c, 'production')), 404, 'not_found');
    });

    it('deletes a configuration, and deleting the component deletes its configurations', async () => {
      await cp.call('POST', `${paths.authFor(org, proj, c, 'production')}/generate-keys`);
      assert.equal((await cp.call('DELETE', paths.authFor(org, proj, c, 'production'))).status, 204);
      expectError(await cp.call('GET', paths.authFor(org, proj, c, 'production')), 404, 'not_found');
      expectError(await cp.call('DELETE', paths.authFor(org, proj, c, 'production')), 404, 'not_found');

      assert.equal((await cp.call('DELETE', paths.component(org, proj, c))).status, 204);
      assert.equal((await cp.call('POST', paths.components(org, proj), { displayName: 'Again', name: c, type: 'external-consumer' })).status, 201);
      const list = (await cp.call('GET', paths.auth(org, proj, c))).body;
      assert.deepEqual(list.items, [], 'the new component with the old name has no keys');
    });
  });

  describe('signing keys', () => {
    it('rotates with the admin token only', async () => {
      expectError(await cp.call('POST', paths.rotateSigningKey(), undefined, { token: null }), 401, 'unauthorized');
      const res = await cp.call('POST', paths.rotateSigningKey());
      assert.equal(res.status, 200);
      assert.match(res.body.kid, /^[A-Za-z0-9_-]{43}$/);
    });
  });
});
