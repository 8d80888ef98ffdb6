/**
 * What the security work and team members added to the records, on a team control plane (two replicas of the real
 * bundle on PostgreSQL 15): Regenerate Secret's time (the gateway refuses tokens issued before it, on every replica
 * and on one started afterwards, which reads it from the database), an identity provider's audiences, and the audit
 * entry every management write records.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { GATEWAY_RESOURCE, JWT_CLIENT, startOidcProvider, type RunningProvider } from '../externalIdp/oidcProvider';
import { sql } from '../helpers/postgres';
import { gatewayCall, ORG, PROJECT, seed, startTeam, timeUntil, token, upstream, type Team } from '../helpers/team';

describe('team control plane: secret regeneration, audiences and the audit log on PostgreSQL', function () {
  this.timeout(120_000);
  let team: Team;
  let up: Awaited<ReturnType<typeof upstream>>;
  let idp: RunningProvider;

  before(async () => {
    [team, up, idp] = await Promise.all([startTeam(2, ['--allow-private-addresses']), upstream('orders'), startOidcProvider()]);
  });
  after(async () => {
    await team?.stop();
    await up?.close();
    await idp?.close();
  });

  it('Regenerate Secret through A: the gateways of A, B and a replica started later refuse tokens issued before it', async () => {
    const [a, b] = team.replicas;
    const s = await seed(a, up.url);
    const old = (await token(b.url, s.clientId, s.secret)).accessToken!;
    for (const r of team.replicas) assert.equal((await gatewayCall(r.url, s, old)).status, 200);

    const regen = await a.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
    assert.equal(regen.status, 200, regen.text);
    const [row] = await sql<{ secret_regenerated_at: Date }>(team.databaseUrl, 'SELECT secret_regenerated_at FROM auth_configurations WHERE client_id = $1', [
      s.clientId,
    ]);
    assert.ok(row.secret_regenerated_at instanceof Date, 'the time is a column of the table');

    const later = await team.start();
    for (const r of [a, b, later]) {
      await timeUntil(async () => (await gatewayCall(r.url, s, old)).status === 401, 1_000);
      const refused = await gatewayCall(r.url, s, old);
      assert.match(refused.text, /issued before mobile-app's secret was regenerated/);
      const fresh = await token(r.url, s.clientId, regen.body.clientSecret);
      assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
      assert.deepEqual(await gatewayCall(r.url, s, fresh.accessToken!), { status: 200, text: 'orders' });
    }
    const keys = await later.call('GET', paths.authFor(ORG, PROJECT, s.consumer, 'development'));
    assert.equal(keys.status, 200, keys.text);
    assert.equal(JSON.stringify(keys.body).includes(regen.body.clientSecret), false);
    assert.match(JSON.stringify(keys.body), /"secretRegeneratedAt":"\d{4}-\d\d-\d\dT[\d:.]+Z"/);
  });

  it("keeps an identity provider's audiences, and B's gateway follows a change made through A", async () => {
    const [a, b] = team.replicas;
    const registered = await a.call('POST', paths.identityProviders(ORG), { name: 'Stark IdP', wellKnownUrl: idp.wellKnownUrl, audiences: [GATEWAY_RESOURCE] });
    assert.equal(registered.status, 201, registered.text);
    const provider = paths.identityProvider(ORG, registered.body.id);
    assert.deepEqual((await b.call('GET', provider)).body.audiences, [GATEWAY_RESOURCE]);

    const consumer = 'partner-app';
    assert.equal((await a.call('POST', paths.components(ORG, PROJECT), { name: consumer, displayName: consumer, type: 'external-consumer' })).status, 201);
    const keys = await a.call('PUT', `${paths.authFor(ORG, PROJECT, consumer, 'development')}/external`, {
      identityProviderId: registered.body.id,
      clientId: JWT_CLIENT.clientId,
    });
    assert.equal(keys.status, 200, keys.text);
    const connected = await a.call('POST', paths.connections(ORG, PROJECT, consumer), {
      name: 'orders',
      serviceComponentName: 'mobile-app-orders',
      endpointName: 'api',
    });
    assert.equal(connected.status, 201, connected.text);
    const external = await idp.token(JWT_CLIENT);
    const service = { service: 'mobile-app-orders' };
    assert.deepEqual(await gatewayCall(b.url, service, external), { status: 200, text: 'orders' });

    const changed = await a.call('PATCH', provider, { audiences: ['urn:someone-else'] });
    assert.equal(changed.status, 200, changed.text);
    await timeUntil(async () => (await gatewayCall(b.url, service, external)).status === 401, 1_000);
    assert.deepEqual((await b.call('GET', provider)).body.audiences, ['urn:someone-else']);
    const [row] = await sql<{ audiences: string[] }>(team.databaseUrl, 'SELECT audiences FROM identity_providers WHERE id = $1', [registered.body.id]);
    assert.deepEqual(row.audiences, ['urn:someone-else']);

    assert.equal((await a.call('PATCH', provider, { audiences: [GATEWAY_RESOURCE] })).status, 200);
    await timeUntil(async () => (await gatewayCall(b.url, service, external)).status === 200, 1_000);
  });

  it('records every management write in the audit log, listed by any replica', async () => {
    const [a, b] = team.replicas;
    const made = await a.call('POST', paths.projects(ORG), { name: 'Audited', handle: 'audited' });
    assert.equal(made.status, 201, made.text);
    const taken = await a.call('POST', paths.projects(ORG), { name: 'Audited', handle: 'audited' });
    assert.equal(taken.status, 409);
    const log = await b.call('GET', `${paths.audit(ORG)}?limit=2`);
    assert.equal(log.status, 200, log.text);
    assert.deepEqual(
      log.body.items.map((e: any) => [e.action, e.resource, e.status, e.result, e.actor.kind]),
      [
        ['POST /orgs/:org/projects', paths.projects(ORG), 409, 'refused', 'admin'],
        ['POST /orgs/:org/projects', paths.projects(ORG), 201, 'succeeded', 'admin'],
      ],
      'newest first',
    );
    assert.ok(log.body.nextCursor, 'the seed and the other writes follow');
    const rows = await sql<{ n: string }>(team.databaseUrl, "SELECT count(*) AS n FROM audit_log WHERE action = 'POST /orgs/:org/projects'");
    assert.equal(Number(rows[0].n), 2);
  });
});
