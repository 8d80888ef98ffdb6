/**
 * Operating a team control plane: migrations applied once by ten replicas starting together, a replica older than
 * the schema refused with both versions named, no start without the encryption key (or with the wrong one) or an
 * admin token, the private keys encrypted at rest, and a local control plane carried into a team database losslessly.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';
import { paths } from '../../../src/api';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../../src/controlPlane/store/postgres/migrations';
import { CONNECTIONS, connectionCollection, type ConnectionRecord } from '../../../src/controlPlane/connections/records';
import { C, coreCollections, type OrganizationRecord } from '../../../src/controlPlane/domain/records';
import { M, memberCollections, type AuditRecord } from '../../../src/controlPlane/members/records';
import { PostgresStore } from '../../../src/controlPlane/store/postgres/postgresStore';
import { GATEWAY_RESOURCE, startOidcProvider } from '../externalIdp/oidcProvider';
import { ControlPlane, runCli, tempDir } from '../helpers/controlPlane';
import { sharedCluster, sql } from '../helpers/postgres';
import { gatewayCall, ORG, PROJECT, seed, TEAM_PUBLIC_URL, token, upstream } from '../helpers/team';

describe('team control plane: operations', function () {
  this.timeout(120_000);

  it('applies each migration once when ten replicas migrate at the same moment', async () => {
    const url = await (await sharedCluster()).createDatabase('migrate');
    const pools = Array.from({ length: 10 }, () => new Pool({ connectionString: url, max: 1 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      assert.equal(results.filter((r) => r.applied.length > 0).length, 1, 'one replica applied the migrations, the others found nothing to do');
      assert.ok(results.every((r) => r.to === SCHEMA_VERSION));
      const rows = await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const cli = await runCli(['migrate', '--database-url', url]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`version ${SCHEMA_VERSION}.*nothing to do`));
  });

  it('brings a database of schema version 1 forward, keeping what it holds', async () => {
    const url = await (await sharedCluster()).createDatabase('upgrade');
    const pool = new Pool({ connectionString: url, max: 1 });
    const org = { id: randomUUID(), handle: 'stark', name: 'Stark' };
    try {
      assert.equal((await migrate(pool, MIGRATIONS.slice(0, 1))).to, 1);
      await sql(url, "INSERT INTO organizations (id, handle, name, name_key, created_at) VALUES ($1, $2, $3, 'stark', now())", [org.id, org.handle, org.name]);
      const result = await migrate(pool);
      assert.deepEqual([result.from, result.to, result.applied.map((m) => m.version)], [1, SCHEMA_VERSION, MIGRATIONS.slice(1).map((m) => m.version)]);
    } finally {
      await pool.end();
    }
    const store = await PostgresStore.open({ databaseUrl: url, collections: [...coreCollections, ...memberCollections] });
    try {
      assert.equal((await store.get<OrganizationRecord>(C.orgs, org.id))?.handle, 'stark');
      const now = new Date().toISOString();
      const entry: AuditRecord = {
        id: randomUUID(),
        orgId: org.id,
        sortKey: '1',
        at: now,
        actor: { kind: 'admin', name: 'operator' },
        action: 'POST /orgs',
        resource: '/api/v1/orgs',
        address: '127.0.0.1',
        status: 201,
      };
      await store.write([{ op: 'put', collection: M.audit, record: entry }]);
      assert.equal((await store.page(M.audit, { group: org.id, limit: 10 })).items.length, 1);
    } finally {
      await store.close();
    }
  });

  it('brings a database of schema version 2 forward: its connections get the service organization they were made in', async () => {
    const url = await (await sharedCluster()).createDatabase('upgrade2');
    const pool = new Pool({ connectionString: url, max: 1 });
    const [org, project, consumer, service, connection] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    try {
      assert.equal((await migrate(pool, MIGRATIONS.slice(0, 2))).to, 2);
      await sql(url, "INSERT INTO organizations (id, handle, name, name_key, created_at) VALUES ($1, 'stark', 'Stark', 'stark', now())", [org]);
      await sql(
        url,
        "INSERT INTO projects (id, org_id, org_handle, handle, name, description, created_at) VALUES ($1, $2, 'stark', 'default', 'Default', '', now())",
        [project, org],
      );
      for (const [id, name, type] of [
        [consumer, 'mobile-app', 'external-consumer'],
        [service, 'orders', 'service'],
      ]) {
        await sql(
          url,
          "INSERT INTO components (id, org_id, org_handle, project_id, project_handle, name, display_name, description, type, created_at, updated_at) VALUES ($1, $2, 'stark', $3, 'default', $4, $4, '', $5, now(), now())",
          [id, org, project, name, type],
        );
      }
      await sql(
        url,
        "INSERT INTO connections (id, org_id, component_id, name, name_key, service_component_id, service_project_handle, service_component_name, endpoint_name, created_at) VALUES ($1, $2, $3, 'Orders', 'orders', $4, 'default', 'orders', 'api', now())",
        [connection, org, consumer, service],
      );
      assert.deepEqual(
        (await migrate(pool)).applied.map((m) => m.version),
        MIGRATIONS.slice(2).map((m) => m.version),
      );
    } finally {
      await pool.end();
    }
    const store = await PostgresStore.open({ databaseUrl: url, collections: [...coreCollections, connectionCollection] });
    try {
      assert.equal((await store.get<ConnectionRecord>(CONNECTIONS, connection))?.serviceOrgHandle, 'stark');
    } finally {
      await store.close();
    }
  });

  it('refuses to start on a schema newer than it knows, naming both versions', async () => {
    const url = await (await sharedCluster()).createDatabase('newer');
    assert.equal((await runCli(['migrate', '--database-url', url])).code, 0);
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [SCHEMA_VERSION + 1]);
    const cli = await runCli(['serve', '--port', '0'], { CHOREO_DATABASE_URL: url, CHOREO_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, new RegExp(`schema is version ${SCHEMA_VERSION + 1}; this control plane knows versions up to ${SCHEMA_VERSION}`));
  });

  it('refuses to start without the encryption key, with the wrong one, or without an admin token', async () => {
    const url = await (await sharedCluster()).createDatabase('refuse');
    const key = randomBytes(32).toString('hex');
    const noKey = await runCli(['serve', '--port', '0', '--database-url', url], { CHOREO_ENCRYPTION_KEY: '' });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /--encryption-key-file FILE or set CHOREO_ENCRYPTION_KEY/);
    const noToken = await runCli(['serve', '--port', '0'], { CHOREO_DATABASE_URL: url, CHOREO_ENCRYPTION_KEY: key });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /no admin token yet.*admin-token/);

    const made = await runCli(['admin-token', '--database-url', url]);
    assert.equal(made.code, 0, made.stderr);
    const adminToken = made.stdout.trim();
    const cp = await ControlPlane.startTeam(url, key, adminToken, TEAM_PUBLIC_URL);
    try {
      assert.equal((await cp.call('GET', paths.orgs())).status, 200, 'the printed token manages it');
      assert.equal((await cp.call('GET', paths.orgs(), undefined, { token: 'x'.repeat(43) })).status, 401);
    } finally {
      await cp.stop();
    }
    const stored = await sql<{ hash: Buffer }>(url, 'SELECT token_hash AS hash FROM admin_tokens');
    assert.ok(!stored.some((r) => r.hash.toString('utf8').includes(adminToken)), 'only a hash is stored');
    const keys = await sql<{ blob: Buffer; pub: { d?: string } }>(url, 'SELECT private_key_encrypted AS blob, public_jwk AS pub FROM signing_keys');
    assert.equal(keys.length, 1);
    assert.equal(keys[0].pub.d, undefined);
    assert.ok(!keys[0].blob.toString('latin1').includes('"d"'), 'the private key is not stored in clear');

    const wrong = await runCli(['serve', '--port', '0'], { CHOREO_DATABASE_URL: url, CHOREO_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /encryption key does not open the signing key/);
  });

  it('carries a local control plane into a team database: same ids, client IDs, secrets, keys and admin token', async () => {
    const up = await upstream('carried');
    const idp = await startOidcProvider();
    const dataDir = tempDir();
    const local = await ControlPlane.startBehind(TEAM_PUBLIC_URL, dataDir, ['--allow-private-addresses']);
    const s = await seed(local, up.url);
    const localToken = await token(local.url, s.clientId, s.secret);
    // What later work added: Regenerate Secret's time (a token from before it stays refused), a provider's audiences.
    const beforeRegeneration = localToken.accessToken!;
    const regen = await local.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
    assert.equal(regen.status, 200, regen.text);
    s.secret = regen.body.clientSecret;
    const registered = await local.call('POST', paths.identityProviders(ORG), {
      name: 'Stark IdP',
      wellKnownUrl: idp.wellKnownUrl,
      audiences: [GATEWAY_RESOURCE],
    });
    assert.equal(registered.status, 201, registered.text);
    await idp.close();
    const localAfter = await token(local.url, s.clientId, s.secret);
    const before = await local.call('GET', paths.component(ORG, PROJECT, s.consumer));
    const keysBefore = await local.call('GET', paths.authFor(ORG, PROJECT, s.consumer, 'development'));
    const providerBefore = await local.call('GET', paths.identityProvider(ORG, registered.body.id));
    const auditBefore = await local.call('GET', `${paths.audit(ORG)}?limit=100`);
    assert.ok(auditBefore.body.items.length >= 6, 'the writes above are in the audit log');
    await local.stop();

    const out = path.join(tempDir('export-'), 'export.json');
    const exported = await runCli(['export', '--data', dataDir, '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const file = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const collection of Object.values(M)) assert.ok(Array.isArray(file.collections[collection]), `the export holds ${collection}`);

    const url = await (await sharedCluster()).createDatabase('import');
    const key = randomBytes(32).toString('hex');
    const env = { CHOREO_DATABASE_URL: url, CHOREO_ENCRYPTION_KEY: key };
    const imported = await runCli(['import', '--in', out], env);
    assert.equal(imported.code, 0, imported.stderr);
    const again = await runCli(['import', '--in', out], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a control plane.*--replace/);
    assert.equal((await runCli(['import', '--in', out, '--replace'], env)).code, 0);

    // The test's upstream listens on loopback, as a team's services on its private network: the operator's flag.
    const team = await ControlPlane.startTeam(url, key, local.token, TEAM_PUBLIC_URL, ['--allow-private-addresses']);
    try {
      const after = await team.call('GET', paths.component(ORG, PROJECT, s.consumer));
      assert.equal(after.status, 200, 'the local admin token manages the team control plane');
      assert.deepEqual(after.body, before.body);
      assert.deepEqual(
        (await team.call('GET', paths.authFor(ORG, PROJECT, s.consumer, 'development'))).body,
        keysBefore.body,
        'with the time of the regeneration',
      );
      assert.deepEqual((await team.call('GET', paths.identityProvider(ORG, registered.body.id))).body, providerBefore.body, 'with its audiences');
      const auditAfter = await team.call('GET', `${paths.audit(ORG)}?limit=100`);
      assert.deepEqual(auditAfter.body.items, auditBefore.body.items, 'the audit log comes along');
      const t = await token(team.url, s.clientId, s.secret);
      assert.equal(t.status, 200, 'the client secret still works');
      const kid = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid;
      assert.equal(kid(t.accessToken!), kid(localAfter.accessToken!), 'the same signing key');
      const gw = await gatewayCall(team.url, s, localAfter.accessToken!);
      assert.equal(gw.status, 200, 'a token issued by the local control plane passes the team gateway');
      const old = await gatewayCall(team.url, s, beforeRegeneration);
      assert.equal(old.status, 401, 'a token issued before Regenerate Secret stays refused');
    } finally {
      await team.stop();
      await up.close();
    }
  });
});
