/**
 * The change feed on a real PostgreSQL 15: change numbers come from a sequence, so writes commit in any order and a
 * rolled-back write leaves a gap. The poll alone (a replica whose LISTEN connection cannot connect) must still see
 * every committed entry, one committed after a higher number was seen included, and never one rolled back; and
 * notification, poll and the writer's own commit together apply each batch once.
 */
import * as assert from 'node:assert/strict';
import { Client, Pool } from 'pg';
import { coreCollections, C, type OrganizationRecord } from '../../../src/controlPlane/domain/records';
import { ChangeFeed, LOG_CHANGES, type Change } from '../../../src/controlPlane/store/postgres/changeFeed';
import { migrate } from '../../../src/controlPlane/store/postgres/migrations';
import { PostgresStore } from '../../../src/controlPlane/store/postgres/postgresStore';
import { sharedCluster } from '../helpers/postgres';
import { timeUntil } from '../helpers/team';

describe('team store: the change feed with numbers that commit out of order', function () {
  this.timeout(60_000);
  let url: string;
  let pool: Pool;
  let feed: ChangeFeed | undefined;
  const clients: Client[] = [];

  before(async () => {
    url = await (await sharedCluster()).createDatabase('feed');
    pool = new Pool({ connectionString: url, max: 4 });
    await migrate(pool);
  });
  after(async () => {
    await feed?.close();
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await pool?.end();
  });

  /** A writer of another replica, in the middle of its transaction: it has logged its batch (taken its number). */
  const writer = async (notice: string) => {
    const client = new Client({ connectionString: url });
    clients.push(client);
    await client.connect();
    await client.query('BEGIN');
    const { rows } = await client.query<{ seq: string }>(LOG_CHANGES, [JSON.stringify([{ n: notice }])]);
    return { seq: Number(rows[0].seq), commit: () => client.query('COMMIT'), rollback: () => client.query('ROLLBACK') };
  };

  it('sees by polling alone every committed entry, one committed below a number already seen too, and no rolled-back one', async () => {
    const applied: Array<{ seq: number; changes: Change[] }> = [];
    // Port 1: its LISTEN connection never connects, so only the poll brings changes.
    const noListening = { host: '127.0.0.1', port: 1, connectionTimeoutMillis: 200 };
    feed = await ChangeFeed.open(pool, noListening, { apply: (seq, changes) => applied.push({ seq, changes }), reset: () => {}, status: () => {} }, 50);
    feed.start();
    // A check that waits a little: timeUntil's loop would otherwise never let the poll's I/O run.
    const seen = async (seq: number) => {
      await new Promise((r) => setTimeout(r, 5));
      return applied.some((a) => a.seq === seq);
    };

    const early = await writer('early');
    const late = await writer('late');
    assert.ok(early.seq < late.seq);
    await late.commit();
    await timeUntil(() => seen(late.seq), 2_000);
    assert.ok(!(await seen(early.seq)), 'not committed yet');

    // Committed after a higher number was applied: found by the next polls all the same.
    await early.commit();
    const ms = await timeUntil(() => seen(early.seq), 2_000);
    console.log(`      an entry committed below a number already applied, found by the poll after ${ms.toFixed(0)} ms`);

    // A gap: a number taken by a write that rolled back; the entries after it still come.
    const gone = await writer('rolled back');
    const after = await writer('after the gap');
    await gone.rollback();
    await after.commit();
    await timeUntil(() => seen(after.seq), 2_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      applied.map((a) => a.changes),
      [[{ n: 'late' }], [{ n: 'early' }], [{ n: 'after the gap' }]],
    );
  });

  it("applies each write once, whether the notification, the poll or the writer's own commit comes first", async () => {
    const stores = await Promise.all([0, 1].map(() => PostgresStore.open({ databaseUrl: url, collections: coreCollections, pollMs: 20 })));
    try {
      const calls = [0, 0];
      stores.forEach((s, i) => s.onChange(C.orgs, () => calls[i]++));
      const orgs: OrganizationRecord[] = Array.from({ length: 20 }, (_, i) => ({
        id: crypto.randomUUID(),
        handle: `org-${i}`,
        name: `Org ${i}`,
        createdAt: new Date().toISOString(),
      }));
      // Concurrent writes through the first store: numbers commit out of order.
      await Promise.all(orgs.map((o) => stores[0].write([{ op: 'put', collection: C.orgs, record: o }])));
      await timeUntil(async () => {
        await new Promise((r) => setTimeout(r, 5));
        return calls[1] === orgs.length;
      }, 2_000);
      await new Promise((r) => setTimeout(r, 200)); // several polls later
      assert.deepEqual(calls, [orgs.length, orgs.length]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
