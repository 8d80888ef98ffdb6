// What the gateway's check of a person's token's grant (src/controlPlane/idp/liveGrants.ts) costs a call judged from
// the records (a token's first call, or any call after a write to the store; a call forwarded as before pays
// nothing), in this process: through the file store, and through PostgreSQL's store on a cache hit and on a miss
// (the first check of a grant on a replica: one read by primary key). 10,000 grants, half of them ended.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { grantIsLive } = require('../../../src/controlPlane/idp/liveGrants.ts');
const { IDP, idpCollections } = require('../../../src/controlPlane/idp/records.ts');
const { C, coreCollections } = require('../../../src/controlPlane/domain/records.ts');
const { FileStore } = require('../../../src/controlPlane/store/fileStore.ts');
const { PostgresStore } = require('../../../src/controlPlane/store/postgres/postgresStore.ts');
const { sharedCluster } = require('../../controlPlane/helpers/postgres.ts');

const GRANTS = 10_000;

function grants(orgId) {
  const now = new Date().toISOString();
  return Array.from({ length: GRANTS }, () => {
    const id = randomUUID();
    const grant = { id, orgId, authConfigId: randomUUID(), clientId: 'bench', environment: 'development', userId: randomUUID(), sessionId: randomUUID() };
    return { ...grant, codeHash: id, scope: 'openid', authTime: now, createdAt: now };
  });
}

/** Writes the grants, then ends every other one; answers the ids to check (live and ended alternately). */
async function fill(store) {
  const orgId = randomUUID();
  await store.write([{ op: 'put', collection: C.orgs, record: { id: orgId, handle: 'bench', name: 'Bench', createdAt: new Date().toISOString() } }]);
  const all = grants(orgId);
  for (let i = 0; i < all.length; i += 500) await store.write(all.slice(i, i + 500).map((record) => ({ op: 'put', collection: IDP.grants, record })));
  const ended = all.filter((_, i) => i % 2 === 1);
  for (let i = 0; i < ended.length; i += 500) await store.write(ended.slice(i, i + 500).map((g) => ({ op: 'delete', collection: IDP.grants, id: g.id })));
  return all.map((g) => g.id);
}

/** µs per check over `rounds` passes of `ids`; throws if a live grant is called ended or the reverse. */
async function perCheck(store, ids, rounds) {
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < ids.length; i++) {
      if ((await grantIsLive(store, ids[i])) !== (i % 2 === 0)) throw new Error(`grant ${i}: wrong answer`);
    }
  }
  return Number(process.hrtime.bigint() - start) / 1000 / (ids.length * rounds);
}

export async function grantCheckFigures(tmp) {
  const collections = [...coreCollections, ...idpCollections];
  const file = await FileStore.open({ dataDir: join(tmp, 'grant-check'), collections });
  const fileIds = await fill(file);
  await perCheck(file, fileIds, 2); // warm-up
  const fileUs = await perCheck(file, fileIds, 20);
  await file.close();
  let pg = 'PostgreSQL: not measured';
  try {
    const cluster = await sharedCluster();
    const store = await PostgresStore.open({ databaseUrl: await cluster.createDatabase('grants'), collections });
    try {
      const ids = await fill(store);
      const missUs = await perCheck(store, ids, 1);
      await perCheck(store, ids, 2); // warm-up
      const hitUs = await perCheck(store, ids, 20);
      pg = `PostgreSQL's store ${hitUs.toFixed(2)} µs from its cache, ${missUs.toFixed(0)} µs on a miss (one read)`;
    } finally {
      await store.close();
    }
  } catch (err) {
    pg = `PostgreSQL: not measured (${err.message})`;
  }
  return `grant check of a person's token, in process (a call judged from the records; a call forwarded as before reads nothing): file store ${fileUs.toFixed(2)} µs, ${pg}`;
}
