/**
 * One contract, both stores: every Store operation, uniqueness, parents (`require`), paging with prefixes, atomic
 * batches and the generation, run against the file store and against the PostgreSQL store on a real PostgreSQL 15.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connectionCollection, CONNECTIONS, pair, type ConnectionRecord } from '../../src/controlPlane/connections/records';
import {
  C,
  coreCollections,
  type AuthConfigRecord,
  type ComponentRecord,
  type EnvironmentRecord,
  type IdentityProviderRecord,
  type OrganizationRecord,
  type ProjectRecord,
} from '../../src/controlPlane/domain/records';
import {
  M,
  memberCollections,
  subjectKey,
  type AuditRecord,
  type MemberRecord,
  type PersonalAccessTokenRecord,
  type UserRecord,
} from '../../src/controlPlane/members/records';
import { FileStore } from '../../src/controlPlane/store/fileStore';
import { PostgresStore } from '../../src/controlPlane/store/postgres/postgresStore';
import { MissingRecord, UniqueViolation, type Store, type WriteOp } from '../../src/controlPlane/store/store';
import { tempDir } from './helpers/controlPlane';
import { sharedCluster } from './helpers/postgres';
import { timeUntil } from './helpers/team';

const collections = [...coreCollections, connectionCollection, ...memberCollections];
const now = () => new Date().toISOString();

export const fixtures = {
  org(name = `Org ${randomUUID().slice(0, 8)}`, handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')): OrganizationRecord {
    return { id: randomUUID(), handle, name, createdAt: now() };
  },
  env(org: OrganizationRecord, handle: string, order = 0): EnvironmentRecord {
    return { id: randomUUID(), orgId: org.id, handle, name: handle.toUpperCase(), critical: handle === 'production', order };
  },
  idp(org: OrganizationRecord, name: string, kind: 'built-in' | 'external' = 'external'): IdentityProviderRecord {
    const base = { id: randomUUID(), orgId: org.id, kind, name, description: `${name} provider`, createdAt: now() };
    return kind === 'built-in'
      ? { ...base, environments: 'all' }
      : {
          ...base,
          wellKnownUrl: 'https://idp.example/.well-known/openid-configuration',
          issuer: `https://idp.example/${name}`,
          tokenEndpoint: 'https://idp.example/token',
          jwksUri: 'https://idp.example/jwks',
          environments: ['development'],
          refreshedAt: now(),
        };
  },
  project(org: OrganizationRecord, handle: string): ProjectRecord {
    return { id: randomUUID(), orgId: org.id, orgHandle: org.handle, handle, name: handle, description: 'd', createdAt: now() };
  },
  component(project: ProjectRecord, name: string, type: ComponentRecord['type'] = 'external-consumer'): ComponentRecord {
    const r: ComponentRecord = {
      id: randomUUID(),
      orgId: project.orgId,
      orgHandle: project.orgHandle,
      projectId: project.id,
      projectHandle: project.handle,
      name,
      displayName: name.toUpperCase(),
      description: '',
      type,
      createdAt: now(),
      updatedAt: now(),
    };
    if (type === 'service') r.endpoints = [{ name: 'api', visibility: 'Project', upstreamUrls: { development: 'http://127.0.0.1:9/x' } }];
    return r;
  },
  auth(component: ComponentRecord, idp: IdentityProviderRecord, environment: string, clientId: string = randomUUID()): AuthConfigRecord {
    return {
      id: randomUUID(),
      orgId: component.orgId,
      orgHandle: component.orgHandle,
      componentId: component.id,
      environment,
      identityProviderId: idp.id,
      kind: idp.kind,
      clientId,
      ...(idp.kind === 'built-in' ? { secretHash: 'aGFzaA' } : {}),
      createdAt: now(),
      updatedAt: now(),
    };
  },
  connection(consumer: ComponentRecord, service: ComponentRecord, name: string): ConnectionRecord {
    return {
      id: randomUUID(),
      orgId: consumer.orgId,
      componentId: consumer.id,
      name,
      serviceComponentId: service.id,
      serviceProjectHandle: service.projectHandle,
      serviceComponentName: service.name,
      endpointName: 'api',
      createdAt: now(),
    };
  },
  user(subject: string, email?: string, emailVerified = true): UserRecord {
    const r: UserRecord = { id: randomUUID(), issuer: 'https://login.stark.example/', subject, emailVerified, createdAt: now(), updatedAt: now() };
    if (email !== undefined) Object.assign(r, { name: subject.toUpperCase(), email });
    return r;
  },
  member(org: OrganizationRecord, role: MemberRecord['role'], who: { userId: string } | { invitedEmail: string } | { invitedSubject: string }): MemberRecord {
    return { id: randomUUID(), orgId: org.id, orgHandle: org.handle, role, ...who, invitedBy: 'admin', createdAt: now(), updatedAt: now() };
  },
  token(user: UserRecord, org: OrganizationRecord, hash: string = randomUUID()): PersonalAccessTokenRecord {
    return { id: randomUUID(), userId: user.id, orgId: org.id, orgHandle: org.handle, name: 'ci', role: 'viewer', hash, createdAt: now(), expiresAt: now() };
  },
  audit(orgId: string, sortKey: string): AuditRecord {
    return {
      id: randomUUID(),
      orgId,
      sortKey,
      at: now(),
      actor: { kind: 'token', userId: randomUUID(), name: 'Ann (token "ci")', tokenId: randomUUID() },
      action: 'POST /orgs/:org/members',
      resource: '/api/v1/orgs/x/members',
      address: '127.0.0.1',
      status: 201,
    };
  },
};

const put = (collection: string, record: { id: string }): WriteOp => ({ op: 'put', collection, record });

interface Kind {
  name: string;
  open(): Promise<Store>;
  /** A second server on the store open() opened last (a store several servers share), following it by polling alone. */
  replica?(): Promise<Store>;
}

let lastDatabase = '';
const kinds: Kind[] = [
  { name: 'file store', open: () => FileStore.open({ dataDir: tempDir(), collections }) },
  {
    name: 'PostgreSQL store',
    open: async () => PostgresStore.open({ databaseUrl: (lastDatabase = await (await sharedCluster()).createDatabase('contract')), collections }),
    replica: () => PostgresStore.open({ databaseUrl: lastDatabase, collections, listen: false, pollMs: 100 }),
  },
];

for (const kind of kinds) {
  describe(`store contract: ${kind.name}`, function () {
    this.timeout(60_000);
    let store: Store;
    beforeEach(async () => (store = await kind.open()));
    afterEach(async () => store.close());

    /** An organization with its environments, the built-in provider, a project, a consumer and a service. */
    async function world() {
      const org = fixtures.org();
      const dev = fixtures.env(org, 'development', 0);
      const prod = fixtures.env(org, 'production', 1);
      const builtIn = fixtures.idp(org, 'Choreo', 'built-in');
      const project = fixtures.project(org, 'default');
      const consumer = fixtures.component(project, 'mobile-app');
      const service = fixtures.component(project, 'orders', 'service');
      await store.write([
        put(C.orgs, org),
        put(C.environments, dev),
        put(C.environments, prod),
        put(C.identityProviders, builtIn),
        put(C.projects, project),
        put(C.components, consumer),
        put(C.components, service),
      ]);
      return { org, dev, prod, builtIn, project, consumer, service };
    }

    it('gives back every kind of record as it was written', async () => {
      const w = await world();
      const external = fixtures.idp(w.org, 'Okta');
      const builtInKeys = fixtures.auth(w.consumer, w.builtIn, 'development');
      const externalKeys = fixtures.auth(w.consumer, external, 'production', 'okta-app');
      const connection = fixtures.connection(w.consumer, w.service, 'Orders');
      await store.write([put(C.identityProviders, external), put(C.authConfigs, builtInKeys), put(C.authConfigs, externalKeys), put(CONNECTIONS, connection)]);
      const expect: Array<[string, { id: string }]> = [
        [C.orgs, w.org],
        [C.environments, w.prod],
        [C.identityProviders, w.builtIn],
        [C.identityProviders, external],
        [C.projects, w.project],
        [C.components, w.consumer],
        [C.components, w.service],
        [C.authConfigs, builtInKeys],
        [C.authConfigs, externalKeys],
        [CONNECTIONS, connection],
      ];
      for (const [collection, record] of expect) assert.deepEqual(await store.get(collection, record.id), record, collection);
      assert.equal(await store.get(C.orgs, randomUUID()), undefined);
      assert.equal(await store.get(C.orgs, 'not-an-id'), undefined);
    });

    it("gives back the fields the security work added: Regenerate Secret's time, a provider's audiences", async () => {
      const w = await world();
      const external: IdentityProviderRecord = { ...fixtures.idp(w.org, 'Okta'), audiences: ['https://api.stark.example', 'orders'] };
      const keys: AuthConfigRecord = { ...fixtures.auth(w.consumer, w.builtIn, 'development'), secretRegeneratedAt: now() };
      await store.write([put(C.identityProviders, external), put(C.authConfigs, keys)]);
      assert.deepEqual(await store.get(C.identityProviders, external.id), external);
      assert.deepEqual(await store.findUnique(C.authConfigs, 'clientId', keys.clientId), keys);
      const cleared = { ...external, audiences: [] };
      await store.write([put(C.identityProviders, cleared)]);
      assert.deepEqual(await store.get(C.identityProviders, external.id), cleared, 'an empty list stays a list');
    });

    it("gives back the fields issue 15 added: a connection's service organization, a provider's key IDs", async () => {
      const w = await world();
      const external: IdentityProviderRecord = { ...fixtures.idp(w.org, 'Auth0'), signingKeyIds: ['k1', 'k2'] };
      const across: ConnectionRecord = { ...fixtures.connection(w.consumer, w.service, 'Across'), serviceOrgHandle: 'wayne-enterprises' };
      const before: ConnectionRecord = fixtures.connection(w.consumer, w.service, 'Before');
      await store.write([put(C.identityProviders, external), put(CONNECTIONS, across), put(CONNECTIONS, before)]);
      assert.deepEqual(await store.get(C.identityProviders, external.id), external);
      assert.deepEqual(await store.get(CONNECTIONS, across.id), across);
      assert.deepEqual(await store.get(CONNECTIONS, before.id), before, 'absent stays absent (connections made before it was kept)');
    });

    it('holds team members: people, memberships and invitations, personal access tokens, the audit log', async () => {
      const w = await world();
      const ann = fixtures.user('ann', 'Ann@Stark.example');
      const unverified = fixtures.user('eve', 'eve@stark.example', false);
      const bare = fixtures.user('bare');
      const admin = fixtures.member(w.org, 'admin', { userId: ann.id });
      const byEmail = fixtures.member(w.org, 'developer', { invitedEmail: 'dev@stark.example' });
      const bySubject = fixtures.member(w.org, 'viewer', { invitedSubject: 'vic' });
      const pat = fixtures.token(ann, w.org);
      const used: PersonalAccessTokenRecord = { ...fixtures.token(ann, w.org), lastUsedAt: now() };
      await store.write([
        put(M.users, ann),
        put(M.users, unverified),
        put(M.users, bare),
        put(M.members, admin),
        put(M.members, byEmail),
        put(M.members, bySubject),
      ]);
      await store.write([{ op: 'require', collection: M.members, id: admin.id }, put(M.tokens, pat), put(M.tokens, used)]);
      for (const [collection, record] of [
        [M.users, ann],
        [M.users, bare],
        [M.members, admin],
        [M.members, byEmail],
        [M.members, bySubject],
        [M.tokens, pat],
        [M.tokens, used],
      ] as const) {
        assert.deepEqual(await store.get(collection, record.id), record, collection);
      }
      const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();

      assert.deepEqual(await store.findUnique(M.users, 'subject', subjectKey(ann.issuer, 'ann')), ann);
      assert.equal(await store.findUnique(M.users, 'subject', subjectKey('https://login.other.example/', 'ann')), undefined);
      assert.deepEqual(await store.findAll(M.users, 'email', 'ann@stark.example'), [ann], 'by the lower-cased verified email');
      assert.deepEqual(await store.findAll(M.users, 'email', 'eve@stark.example'), [], 'an unverified email finds no one');
      assert.deepEqual(ids(await store.findAll(M.users, 'email', '')), ids([unverified, bare]));
      assert.deepEqual(await store.findAll(M.users, 'bySubject', 'ann'), [ann]);

      assert.deepEqual(await store.findUnique(M.members, 'user', `${w.org.id}/${ann.id}`), admin);
      assert.deepEqual(await store.findUnique(M.members, 'invitation', `${w.org.id}/email:dev@stark.example`), byEmail);
      assert.deepEqual(await store.findUnique(M.members, 'invitation', `${w.org.id}/subject:vic`), bySubject);
      assert.equal(await store.findUnique(M.members, 'invitation', `${w.org.id}/`), undefined, 'a membership is no invitation');
      assert.deepEqual(ids(await store.findAll(M.members, 'org', w.org.id)), ids([admin, byEmail, bySubject]));
      assert.deepEqual(await store.findAll(M.members, 'user', ann.id), [admin]);
      assert.deepEqual(ids(await store.findAll(M.members, 'user', '')), ids([byEmail, bySubject]), "'' lists the invitations");
      assert.deepEqual(await store.findAll(M.members, 'invitation', 'subject:vic'), [bySubject]);
      assert.deepEqual(await store.findAll(M.members, 'invitation', ''), [admin], "'' lists the memberships");

      assert.deepEqual(await store.findUnique(M.tokens, 'hash', pat.hash), pat);
      assert.deepEqual(ids(await store.findAll(M.tokens, 'user', ann.id)), ids([pat, used]));
      assert.deepEqual(ids(await store.findAll(M.tokens, 'org', w.org.id)), ids([pat, used]));

      // Uniqueness: one user per issuer and subject, one membership per person and one invitation per address.
      await assert.rejects(
        store.write([put(M.users, fixtures.user('ann'))]),
        (e: unknown) => e instanceof UniqueViolation && e.collection === M.users && e.index === 'subject',
      );
      await assert.rejects(
        store.write([put(M.members, fixtures.member(w.org, 'viewer', { userId: ann.id }))]),
        (e: unknown) => e instanceof UniqueViolation && e.collection === M.members && e.index === 'user',
      );
      await assert.rejects(
        store.write([put(M.members, fixtures.member(w.org, 'viewer', { invitedSubject: 'vic' }))]),
        (e: unknown) => e instanceof UniqueViolation && e.index === 'invitation',
      );
      await assert.rejects(
        store.write([put(M.tokens, fixtures.token(ann, w.org, pat.hash))]),
        (e: unknown) => e instanceof UniqueViolation && e.collection === M.tokens && e.index === 'hash',
      );
      const other = fixtures.org();
      const elsewhere = fixtures.member(other, 'viewer', { invitedSubject: 'vic' });
      await store.write([put(C.orgs, other), put(M.members, elsewhere)]);

      // Vic signs in: the invitation becomes a membership, its key is free again and the lookups follow.
      const vic = fixtures.user('vic', 'vic@stark.example');
      const joined: MemberRecord = { ...bySubject, userId: vic.id, updatedAt: now() };
      await store.write([put(M.users, vic), put(M.members, joined)]);
      assert.equal(await store.findUnique(M.members, 'invitation', `${w.org.id}/subject:vic`), undefined);
      assert.deepEqual(await store.findUnique(M.members, 'user', `${w.org.id}/${vic.id}`), joined);
      assert.deepEqual(await store.findAll(M.members, 'user', vic.id), [joined]);
      assert.deepEqual(ids(await store.findAll(M.members, 'user', '')), ids([byEmail, elsewhere]));
      assert.deepEqual(await store.findAll(M.members, 'invitation', 'subject:vic'), [elsewhere], "the other organization's invitation only");
      await store.write([put(M.members, fixtures.member(w.org, 'viewer', { invitedSubject: 'vic' }))]);

      await store.write([{ op: 'delete', collection: M.tokens, id: pat.id }]);
      assert.equal(await store.findUnique(M.tokens, 'hash', pat.hash), undefined);
      assert.deepEqual(await store.findAll(M.tokens, 'user', ann.id), [used]);
      const touched: PersonalAccessTokenRecord = { ...pat, lastUsedAt: now() };
      await assert.rejects(store.write([{ op: 'require', collection: M.tokens, id: pat.id }, put(M.tokens, touched)]), MissingRecord);
      assert.equal(await store.get(M.tokens, pat.id), undefined, 'a revoked token does not come back with its last use');
    });

    it('pages the audit log per organization, newest first, and under no organization', async () => {
      const w = await world();
      const entries = ['0003', '0001', '0005', '0002', '0004'].map((k) => fixtures.audit(w.org.id, k));
      const elsewhere = fixtures.audit(randomUUID(), '0000');
      const unowned = fixtures.audit('', '0009');
      await store.write([...entries, elsewhere, unowned].map((r) => put(M.audit, r)));
      const first = await store.page<AuditRecord>(M.audit, { group: w.org.id, limit: 2 });
      assert.deepEqual(
        first.items.map((r) => r.sortKey),
        ['0001', '0002'],
      );
      assert.equal(first.last, '0002');
      const rest = await store.page<AuditRecord>(M.audit, { group: w.org.id, after: first.last, limit: 10 });
      assert.deepEqual(
        rest.items.map((r) => r.sortKey),
        ['0003', '0004', '0005'],
      );
      assert.equal(rest.last, undefined);
      assert.deepEqual(rest.items[2], entries[2], 'an entry comes back as it was written');
      const refused = await store.page<AuditRecord>(M.audit, { group: w.org.id, limit: 10, filter: (r) => (r as AuditRecord).sortKey > '0003' });
      assert.deepEqual(
        refused.items.map((r) => r.sortKey),
        ['0004', '0005'],
      );
      assert.deepEqual((await store.page(M.audit, { group: '', limit: 10 })).items, [unowned]);
      // The log outlives its organization.
      await store.write([
        { op: 'delete', collection: C.orgs, id: w.org.id },
        ...[w.dev, w.prod].map((e) => ({ op: 'delete' as const, collection: C.environments, id: e.id })),
        { op: 'delete', collection: C.identityProviders, id: w.builtIn.id },
        { op: 'delete', collection: C.components, id: w.consumer.id },
        { op: 'delete', collection: C.components, id: w.service.id },
        { op: 'delete', collection: C.projects, id: w.project.id },
      ]);
      assert.equal((await store.page(M.audit, { group: w.org.id, limit: 10 })).items.length, 5);
    });

    it('finds records by every unique index, and forgets keys a change frees', async () => {
      const w = await world();
      assert.deepEqual(await store.findUnique(C.orgs, 'handle', w.org.handle), w.org);
      assert.deepEqual(await store.findUnique(C.orgs, 'name', w.org.name.toLowerCase()), w.org);
      assert.deepEqual(await store.findUnique(C.projects, 'handle', `${w.org.id}/default`), w.project);
      assert.deepEqual(await store.findUnique(C.components, 'name', `${w.project.id}/orders`), w.service);
      assert.deepEqual(await store.findUnique(C.environments, 'handle', `${w.org.id}/production`), w.prod);
      assert.equal(await store.findUnique(C.components, 'name', `${w.project.id}/nothing`), undefined);
      assert.equal(await store.findUnique(C.components, 'name', 'garbage'), undefined);
      const renamed = { ...w.org, name: 'Renamed Org' };
      await store.write([put(C.orgs, renamed)]);
      assert.equal(await store.findUnique(C.orgs, 'name', w.org.name.toLowerCase()), undefined, 'the old name is free');
      assert.deepEqual(await store.findUnique(C.orgs, 'name', 'renamed org'), renamed);
      assert.deepEqual(await store.get(C.orgs, w.org.id), renamed);
    });

    it('refuses a duplicate under every unique index, naming the index, and writes nothing of the batch', async () => {
      const w = await world();
      const before = store.generation;
      const sameName = fixtures.org(w.org.name.toUpperCase(), 'other-handle');
      await assert.rejects(store.write([put(C.orgs, sameName)]), (e: unknown) => e instanceof UniqueViolation && e.collection === C.orgs && e.index === 'name');
      const sameHandle = fixtures.org('Other name', w.org.handle);
      await assert.rejects(store.write([put(C.orgs, sameHandle)]), (e: unknown) => e instanceof UniqueViolation && e.index === 'handle');
      const p2 = fixtures.project(w.org, 'second');
      const dup = fixtures.component(w.project, 'orders');
      await assert.rejects(
        store.write([put(C.projects, p2), put(C.components, dup)]),
        (e: unknown) => e instanceof UniqueViolation && e.collection === C.components,
      );
      assert.equal(await store.get(C.projects, p2.id), undefined, 'the batch is all or nothing');
      assert.equal(store.generation, before, 'a refused batch changes nothing');

      // Built-in client IDs are unique everywhere; an external one only per provider.
      const other = fixtures.component(w.project, 'web-app');
      await store.write([put(C.components, other), put(C.authConfigs, fixtures.auth(w.consumer, w.builtIn, 'development', 'cid-1'))]);
      await assert.rejects(
        store.write([put(C.authConfigs, fixtures.auth(other, w.builtIn, 'development', 'cid-1'))]),
        (e: unknown) => e instanceof UniqueViolation && e.index === 'clientId',
      );
      const okta = fixtures.idp(w.org, 'Okta');
      const auth0 = fixtures.idp(w.org, 'Auth0');
      await store.write([
        put(C.identityProviders, okta),
        put(C.identityProviders, auth0),
        put(C.authConfigs, fixtures.auth(w.consumer, okta, 'production', 'shared-app')),
      ]);
      await store.write([put(C.authConfigs, fixtures.auth(other, auth0, 'production', 'shared-app'))]);
      await assert.rejects(
        store.write([put(C.authConfigs, fixtures.auth(other, okta, 'development', 'shared-app'))]),
        (e: unknown) => e instanceof UniqueViolation && e.index === 'externalClientId',
      );
      await assert.rejects(
        store.write([put(C.authConfigs, fixtures.auth(w.consumer, okta, 'production', 'x'))]),
        (e: unknown) => e instanceof UniqueViolation && e.index === 'slot',
      );
      const conn = fixtures.connection(w.consumer, w.service, 'Orders');
      await store.write([put(CONNECTIONS, conn)]);
      await assert.rejects(
        store.write([put(CONNECTIONS, fixtures.connection(w.consumer, w.service, 'ORDERS'))]),
        (e: unknown) => e instanceof UniqueViolation && e.collection === CONNECTIONS,
      );
    });

    it('lets a batch delete a record and take its key', async () => {
      const w = await world();
      const replacement = fixtures.component(w.project, 'orders', 'service');
      await store.write([{ op: 'delete', collection: C.components, id: w.service.id }, put(C.components, replacement)]);
      assert.deepEqual(await store.findUnique(C.components, 'name', `${w.project.id}/orders`), replacement);
      assert.equal(await store.get(C.components, w.service.id), undefined);
    });

    it('refuses a batch whose required parent is missing or deleted in the same batch', async () => {
      const w = await world();
      const orphan = fixtures.component(fixtures.project(w.org, 'gone'), 'c');
      await assert.rejects(
        store.write([{ op: 'require', collection: C.projects, id: orphan.projectId }, put(C.components, orphan)]),
        (e: unknown) => e instanceof MissingRecord && e.collection === C.projects,
      );
      await assert.rejects(
        store.write([
          { op: 'delete', collection: C.components, id: w.consumer.id },
          { op: 'require', collection: C.components, id: w.consumer.id },
        ]),
        MissingRecord,
      );
      assert.deepEqual(await store.get(C.components, w.consumer.id), w.consumer, 'nothing of the refused batch was written');
      assert.equal(await store.get(C.components, orphan.id), undefined);
    });

    it('keeps lookups in step with puts and deletes', async () => {
      const w = await world();
      assert.deepEqual((await store.findAll<EnvironmentRecord>(C.environments, 'org', w.org.id)).map((e) => e.handle).sort(), ['development', 'production']);
      const conn = fixtures.connection(w.consumer, w.service, 'Orders');
      assert.deepEqual(await store.findAll(CONNECTIONS, 'pair', pair(w.consumer.id, w.service.id, 'api')), []);
      await store.write([put(CONNECTIONS, conn)]);
      assert.deepEqual(await store.findAll(CONNECTIONS, 'pair', pair(w.consumer.id, w.service.id, 'api')), [conn]);
      assert.deepEqual(await store.findAll(CONNECTIONS, 'target', `${w.service.id}/api`), [conn]);
      assert.deepEqual(await store.findAll(CONNECTIONS, 'service', w.service.id), [conn]);
      await store.write([{ op: 'delete', collection: CONNECTIONS, id: conn.id }]);
      assert.deepEqual(await store.findAll(CONNECTIONS, 'pair', pair(w.consumer.id, w.service.id, 'api')), []);
      assert.deepEqual(await store.findAll(C.authConfigs, 'component', w.consumer.id), []);
    });

    it('pages lists in order, with prefixes, cursors and filters', async () => {
      const w = await world();
      const names = ['alpha', 'alpine', 'beta', 'gamma', 'alps', 'delta', 'al'];
      const ops: WriteOp[] = names.map((n, i) => put(C.components, fixtures.component(w.project, n, i % 2 ? 'service' : 'external-consumer')));
      await store.write(ops);
      const all = [...names, 'mobile-app', 'orders'].sort();
      const collect = async (prefix?: string, limit = 2, filter?: (r: ComponentRecord) => boolean) => {
        const got: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 20; i++) {
          const p = await store.page<ComponentRecord>(C.components, { group: w.project.id, prefix, after, limit, filter: filter as never });
          assert.ok(p.items.length <= limit);
          got.push(...p.items.map((c) => c.name));
          if (p.last === undefined) return got;
          assert.equal(p.last, p.items[p.items.length - 1].name);
          after = p.last;
        }
        throw new Error('paging did not end');
      };
      assert.deepEqual(await collect(), all);
      assert.deepEqual(await collect(undefined, 100), all);
      assert.deepEqual(await collect('al'), ['al', 'alpha', 'alpine', 'alps']);
      assert.deepEqual(await collect('alp', 1), ['alpha', 'alpine', 'alps']);
      assert.deepEqual(await collect('zzz'), []);
      assert.deepEqual(await collect(undefined, 2, (r) => r.type === 'service'), ['alpine', 'delta', 'gamma', 'orders']);
      const exact = await store.page(C.components, { group: w.project.id, limit: all.length });
      assert.equal(exact.items.length, all.length);
      assert.equal(exact.last, undefined, 'no cursor when nothing follows');
      assert.deepEqual((await store.page(C.components, { group: randomUUID(), limit: 10 })).items, []);
      const orgs = await store.page<OrganizationRecord>(C.orgs, { group: '', prefix: w.org.handle, limit: 10 });
      assert.deepEqual(orgs.items, [w.org]);
    });

    it('grows the generation with every applied write', async () => {
      const g0 = store.generation;
      const w = await world();
      const g1 = store.generation;
      assert.ok(g1 > g0);
      await store.write([put(C.projects, { ...w.project, description: 'changed' } as ProjectRecord)]);
      assert.ok(store.generation > g1);
    });

    /** What Store.onChange promises, and no more: one call per write to the collection, after which a read sees
     * that write or a newer state. When the listener's read runs is not promised (on PostgreSQL it waits for a pool
     * connection while the next write commits on another), so any state from the waking write's on is right. */
    async function watchProviders(watched: Store, orgId: string) {
      const reads: Array<Promise<string[]>> = [];
      watched.onChange(C.identityProviders, () => {
        reads.push(watched.findAll<IdentityProviderRecord>(C.identityProviders, 'org', orgId).then((idps) => idps.map((i) => i.name).sort()));
      });
      return reads;
    }
    const providerWrites = async (w: Awaited<ReturnType<typeof world>>) => {
      const okta = fixtures.idp(w.org, 'Okta');
      await store.write([put(C.identityProviders, okta), put(C.identityProviders, fixtures.idp(w.org, 'Auth0'))]);
      await store.write([put(C.projects, { ...w.project, description: 'not a provider' } as ProjectRecord)]);
      await store.write([{ op: 'delete', collection: C.identityProviders, id: okta.id }]);
    };
    /** The states a write's listener may read: the one that write left, or any later one. */
    const fromFirstWriteOn = [
      ['Auth0', 'Choreo', 'Okta'],
      ['Auth0', 'Choreo'],
    ];

    it('tells onChange listeners of each write to their collection once; what a listener reads is at least as new as that write', async () => {
      const w = await world();
      const reads = await watchProviders(store, w.org.id);
      await providerWrites(w);
      // Read your writes: once write() resolved, a read sees it.
      assert.deepEqual((await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', w.org.id)).map((i) => i.name).sort(), ['Auth0', 'Choreo']);
      const seen = await Promise.all(reads);
      assert.equal(seen.length, 2, 'one call for each of the two writes to identity providers, none for the project');
      assert.ok(
        fromFirstWriteOn.some((s) => JSON.stringify(s) === JSON.stringify(seen[0])),
        `the first read saw ${JSON.stringify(seen[0])}`,
      );
      assert.deepEqual(seen[1], ['Auth0', 'Choreo']);
    });

    if (kind.replica) {
      it('tells the listeners of another server of each write too, when its notifications come late or never (the poll alone)', async () => {
        const w = await world();
        const other = await kind.replica!();
        try {
          const reads = await watchProviders(other, w.org.id);
          await providerWrites(w);
          await timeUntil(async () => {
            await new Promise((r) => setTimeout(r, 20));
            return reads.length >= 2;
          }, 10_000);
          const seen = await Promise.all(reads);
          assert.equal(seen.length, 2, 'one call for each of the two writes to identity providers, none for the project');
          for (const s of seen)
            assert.ok(
              fromFirstWriteOn.some((f) => JSON.stringify(f) === JSON.stringify(s)),
              `a read saw ${JSON.stringify(s)}`,
            );
          assert.deepEqual(seen[1], ['Auth0', 'Choreo']);
        } finally {
          await other.close();
        }
      });
    }

    it('answers the token endpoint synchronously for what it holds', async () => {
      const w = await world();
      const keys = fixtures.auth(w.consumer, w.builtIn, 'development', 'sync-client');
      await store.write([put(C.authConfigs, keys)]);
      // Read once (the PostgreSQL store then holds it); from then on the answer is synchronous.
      assert.deepEqual(await store.findUnique(C.authConfigs, 'clientId', 'sync-client'), keys);
      assert.deepEqual(store.findUniqueNow(C.authConfigs, 'clientId', 'sync-client'), keys);
      assert.equal(store.health().status, 'ok');
    });
  });
}
