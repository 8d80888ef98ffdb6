/**
 * A team control plane whose database goes away, on a PostgreSQL cluster of this file's own (it is stopped, paused
 * and locked here): management calls answer 503 store_unavailable with Retry-After, the token endpoint and gateway
 * keep serving clients they have seen, /healthz says degraded and why, a hung (SIGSTOPped) database gives answers
 * within the time-outs, an exhausted pool answers 503, and the replicas recover by themselves. Writes acknowledged
 * around a database restart and around kill -9 of replicas are all there afterwards.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { paths } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';
import { PostgresCluster } from '../helpers/postgres';
import { gatewayCall, ORG, PROJECT, seed, startTeam, timeUntil, token, upstream, type Team } from '../helpers/team';
import { ANN, ENV, signedInTokens, WEB_APP } from '../idp/fixture';
import { call } from '../idp/gatewayProbe';

async function health(cp: ControlPlane): Promise<{ status: string; reason?: string }> {
  return (await fetch(`${cp.url}/healthz`)).json() as Promise<{ status: string; reason?: string }>;
}

async function allComponents(cp: ControlPlane): Promise<Set<string>> {
  const names = new Set<string>();
  let cursor: string | undefined;
  do {
    const res = await cp.call('GET', `${paths.components(ORG, PROJECT)}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, res.text);
    for (const c of res.body.items) names.add(c.name);
    cursor = res.body.nextCursor;
  } while (cursor);
  return names;
}

/** Creates components through the replicas until stopped; the names that were acknowledged (201). */
function writers(replicas: () => ControlPlane[], prefix: string) {
  const acked = new Set<string>();
  const statuses = new Map<number, number>();
  let stop = false;
  const run = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const rs = replicas();
      const r = rs[(w + i) % rs.length];
      const name = `${prefix}-${w}-${i}`;
      try {
        const res = await r.call('POST', paths.components(ORG, PROJECT), { name, displayName: name, type: 'external-consumer' });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acked.add(name);
        else await new Promise((d) => setTimeout(d, 20));
      } catch {
        await new Promise((d) => setTimeout(d, 20)); // the replica was killed under the call
      }
    }
  };
  const running = Promise.all([0, 1, 2, 3].map(run));
  return {
    acked,
    statuses,
    async stop() {
      stop = true;
      await running;
    },
  };
}

describe('team control plane: the database away', function () {
  this.timeout(240_000);
  let cluster: PostgresCluster;
  let team: Team;
  let up: Awaited<ReturnType<typeof upstream>>;

  before(async () => {
    cluster = await PostgresCluster.start();
    team = await startTeam(2, ['--pool-size', '4'], undefined, cluster);
    up = await upstream('service');
  });
  after(async () => {
    // A replica that exited by itself (not killed by a test) says why.
    for (const r of team?.replicas ?? []) if (r.child.exitCode !== null) console.log(`      a replica exited with ${r.child.exitCode}:\n${r.stderr()}`);
    await team?.stop();
    await up?.close();
    cluster?.remove();
  });

  it('keeps serving known clients while PostgreSQL is down, answers 503 to management calls, and recovers by itself', async () => {
    const [a, b] = team.replicas;
    const s = await seed(a, up.url);
    let t = await token(b.url, s.clientId, s.secret);
    for (const r of [a, b]) {
      t = await token(r.url, s.clientId, s.secret);
      assert.equal(t.status, 200);
      assert.equal((await gatewayCall(r.url, s, t.accessToken!)).status, 200);
    }
    assert.equal((await health(b)).status, 'ok');

    const load = writers(() => team.replicas, 'restart');
    await new Promise((d) => setTimeout(d, 500));
    cluster.stopServer('fast');
    try {
      await timeUntil(async () => (await health(b)).status === 'degraded', 5_000);
      const h = await health(b);
      assert.match(h.reason!, /database cannot be reached/);

      const refused = await a.call('POST', paths.components(ORG, PROJECT), { name: 'while-down', displayName: 'x', type: 'external-consumer' });
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'store_unavailable');
      assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After');
      assert.equal((await a.call('GET', paths.components(ORG, PROJECT))).status, 503);

      // Known clients: from memory.
      for (const r of [a, b]) {
        const again = await token(r.url, s.clientId, s.secret);
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal((await gatewayCall(r.url, s, again.accessToken!)).status, 200);
      }
      // A client this replica never saw: it cannot be looked up, and says so.
      const cold = await token(b.url, 'never-seen-client', 'x');
      assert.equal(cold.status, 503);
      assert.equal(cold.body.error, 'temporarily_unavailable');

      await new Promise((d) => setTimeout(d, 1_000));
    } finally {
      cluster.startServer();
    }
    // Recovery without restarting the replicas.
    for (const r of [a, b]) await timeUntil(async () => (await health(r)).status === 'ok', 15_000);
    await timeUntil(async () => (await a.call('GET', paths.components(ORG, PROJECT))).status === 200, 15_000);
    await new Promise((d) => setTimeout(d, 500));
    await load.stop();
    const stored = await allComponents(b);
    const lost = [...load.acked].filter((n) => !stored.has(n));
    console.log(
      `      around a PostgreSQL restart: ${load.acked.size} writes acknowledged, ${lost.length} lost; answers ${JSON.stringify(Object.fromEntries(load.statuses))}`,
    );
    assert.deepEqual(lost, []);
    assert.ok(load.statuses.get(503)! > 0, 'writes during the outage were refused with 503');

    // And the change feed works again: a revocation through A reaches B within the bound.
    const regen = await a.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
    assert.equal(regen.status, 200);
    const ms = await timeUntil(async () => (await token(b.url, s.clientId, s.secret)).status === 401);
    assert.ok(ms < 1_000, `after recovery, a revocation took ${ms} ms`);
  });

  it('answers within the time-outs when PostgreSQL hangs (SIGSTOP), and serves known clients meanwhile', async () => {
    const [a, b] = team.replicas;
    const s = await seed(a, up.url, 'paused-app', false);
    assert.equal((await token(b.url, s.clientId, s.secret)).status, 200);
    cluster.pause();
    try {
      const started = Date.now();
      const answers = await Promise.all([
        a.call('POST', paths.components(ORG, PROJECT), { name: 'while-paused', displayName: 'x', type: 'external-consumer' }),
        b.call('GET', paths.components(ORG, PROJECT)),
      ]);
      const took = Date.now() - started;
      for (const res of answers) assert.equal(res.status, 503, res.text);
      // Connect (2 s) and query (3 s) time-outs: nothing waits for the database longer; a margin for a slow machine.
      assert.ok(took < 8_000, `answered after ${took} ms`);
      const known = await token(b.url, s.clientId, s.secret);
      assert.equal(known.status, 200);
      await timeUntil(async () => (await health(b)).status === 'degraded', 10_000);
    } finally {
      cluster.resume();
    }
    await timeUntil(async () => (await a.call('GET', paths.components(ORG, PROJECT))).status === 200, 15_000);
  });

  it('answers 503, not a hang, when every connection of the pool is taken', async () => {
    const [a] = team.replicas;
    // A transaction of ours holds the table, so each query of the replica waits on it until its time-out.
    const blocker = new Client({ connectionString: team.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE projects IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 20 }, () => a.call('GET', paths.projects(ORG))));
      const took = Date.now() - started;
      assert.deepEqual([...new Set(answers.map((r) => r.status))], [503]);
      assert.ok(took < 10_000, `20 calls on a pool of 4 answered after ${took} ms`);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    assert.equal((await a.call('GET', paths.projects(ORG))).status, 200);
  });

  it("with the database away, a person's token whose grant the replica has not read is answered 503, never passed on a guess", async () => {
    const [a, b] = team.replicas;
    // The organization, unless an earlier test of this file made it (201 or 409).
    assert.ok([201, 409].includes((await a.call('POST', paths.orgs(), { name: 'Stark Industries' })).status));
    const s = await seed(a, up.url, 'signed-in-app', false);
    assert.equal((await a.call('PUT', paths.keySettings(ORG, PROJECT, s.consumer, ENV), WEB_APP)).status, 200);
    assert.equal((await a.call('POST', paths.testUsers(ORG, ENV), ANN)).status, 201);
    const signIn = async () => (await signedInTokens(a.url, s.clientId)).access_token;
    const seen = await signIn();
    const unseen = await signIn();
    // B reads the first token's grant (and the consumer, its keys, the connection: all the second token needs too).
    await timeUntil(async () => (await call(b.url, s, seen)).status === 200);
    cluster.stopServer('fast');
    try {
      await timeUntil(async () => (await health(b)).status === 'degraded', 5_000);
      assert.equal((await call(b.url, s, seen)).status, 200, 'a token seen before: served from memory');
      const cold = await call(b.url, s, unseen);
      assert.equal(cold.status, 503, cold.text);
      assert.equal(JSON.parse(cold.text).error.code, 'store_unavailable');
    } finally {
      cluster.startServer();
    }
    for (const r of [a, b]) await timeUntil(async () => (await health(r)).status === 'ok', 15_000);
    await timeUntil(async () => (await call(b.url, s, unseen)).status === 200, 15_000);
  });

  it('loses no acknowledged write when replicas are killed (-9) during writes, ten times', async () => {
    await team.start();
    const load = writers(() => team.replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null), 'kill');
    for (let round = 0; round < 10; round++) {
      await new Promise((d) => setTimeout(d, 150 + Math.random() * 250));
      const victim = team.replicas[round % team.replicas.length];
      await victim.kill();
      team.replicas.splice(team.replicas.indexOf(victim), 1);
      await team.start();
    }
    await load.stop();
    const stored = await allComponents(team.replicas[0]);
    const lost = [...load.acked].filter((n) => !stored.has(n));
    console.log(`      kill -9 of a replica ×10: ${load.acked.size} writes acknowledged, ${lost.length} lost`);
    assert.ok(load.acked.size > 50);
    assert.deepEqual(lost, []);
  });
});
