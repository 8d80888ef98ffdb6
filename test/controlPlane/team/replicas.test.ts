/**
 * A team control plane: three replicas of the real bundle on one PostgreSQL 15. A write through replica A is enforced
 * by the token endpoint and the gateway of B and C within the bound (1 s worst; the figures are printed), 50
 * concurrent creates of one name through different replicas give exactly one 201, and every replica signs with the
 * same keys.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { gatewayCall, ORG, PROJECT, seed, startTeam, timeUntil, token, upstream, type Team } from '../helpers/team';

const kidOfToken = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('team control plane: three replicas on PostgreSQL', function () {
  this.timeout(180_000);
  let team: Team;
  let up1: Awaited<ReturnType<typeof upstream>>;
  let up2: Awaited<ReturnType<typeof upstream>>;
  const figures: Record<string, number[]> = {};
  const measure = async (name: string, check: (url: string) => Promise<boolean>, replicas = team.replicas.slice(1)) => {
    const times = await Promise.all(replicas.map((r) => timeUntil(() => check(r.url), 5_000)));
    (figures[name] ??= []).push(...times);
    for (const t of times) assert.ok(t < 1_000, `${name}: enforced on another replica after ${t.toFixed(0)} ms (bound: 1 s)`);
  };

  before(async () => {
    team = await startTeam(3);
    up1 = await upstream('first');
    up2 = await upstream('second');
  });
  after(async () => {
    await team?.stop();
    await up1?.close();
    await up2?.close();
    for (const [name, times] of Object.entries(figures)) {
      console.log(`      propagation ${name}: median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${times.length}`);
    }
  });

  it('serves the seed written through one replica from every replica, with the same keys', async () => {
    const [a, b, c] = team.replicas;
    const s = await seed(a, up1.url);
    for (const r of [b, c]) {
      const t = await token(r.url, s.clientId, s.secret);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.deepEqual(await gatewayCall(r.url, s, t.accessToken!), { status: 200, text: 'first' });
      assert.equal((await r.call('GET', paths.component(ORG, PROJECT, s.consumer))).status, 200);
    }
    const jwks = await Promise.all(team.replicas.map(async (r) => (await fetch(`${r.url}/oauth2/${ORG}/jwks`)).json()));
    assert.deepEqual(jwks[1], jwks[0]);
    assert.deepEqual(jwks[2], jwks[0]);
    // A token from A passes B's gateway: one key set.
    const fromA = await token(a.url, s.clientId, s.secret);
    assert.equal((await gatewayCall(b.url, s, fromA.accessToken!)).status, 200);
  });

  it('enforces every revocation made through A on B and C within 1 s', async () => {
    const [a] = team.replicas;
    for (let round = 0; round < 3; round++) {
      const s = await seed(a, up1.url, `consumer-${round}`, false);
      // B and C have seen the client (it is in their memory) before each revocation.
      const fresh = async () => {
        for (const r of team.replicas) assert.equal((await token(r.url, s.clientId, s.secret)).status, 200);
      };
      await fresh();

      // Regenerate Secret: the old secret is refused.
      const regen = await a.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
      assert.equal(regen.status, 200);
      await measure('regenerate secret', async (url) => (await token(url, s.clientId, s.secret)).status === 401);
      s.secret = regen.body.clientSecret;
      await fresh();

      // A moved upstream: the gateway forwards to the new one.
      const access = (await token(a.url, s.clientId, s.secret)).accessToken!;
      for (const r of team.replicas) assert.equal((await gatewayCall(r.url, s, access)).text, 'first');
      const moved = await a.call('PATCH', paths.component(ORG, PROJECT, s.service), { endpoints: [{ name: 'api', upstreamUrls: { development: up2.url } }] });
      assert.equal(moved.status, 200, moved.text);
      await measure('moved upstream', async (url) => (await gatewayCall(url, s, access)).text === 'second');
      // The same through the endpoint's own PATCH (the Service Overview's edit), back to the first upstream.
      const movedBack = await a.call('PATCH', paths.endpoint(ORG, PROJECT, s.service, 'api'), { upstreamUrls: { development: up1.url } });
      assert.equal(movedBack.status, 200, movedBack.text);
      await measure('moved upstream (endpoint PATCH)', async (url) => (await gatewayCall(url, s, access)).text === 'first');

      // A deleted connection: the gateway refuses the consumer.
      const del = await a.call('DELETE', paths.connection(ORG, PROJECT, s.consumer, s.connection));
      assert.equal(del.status, 204);
      await measure('deleted connection', async (url) => (await gatewayCall(url, s, access)).status === 403);

      // A deleted consumer: no more tokens, and its tokens no longer pass.
      const back = await a.call('POST', paths.connections(ORG, PROJECT, s.consumer), { name: 'orders', serviceComponentName: s.service, endpointName: 'api' });
      assert.equal(back.status, 201);
      for (const r of team.replicas) await timeUntil(async () => (await gatewayCall(r.url, s, access)).status === 200);
      assert.equal((await a.call('DELETE', paths.component(ORG, PROJECT, s.consumer))).status, 204);
      await measure('deleted consumer (token endpoint)', async (url) => (await token(url, s.clientId, s.secret)).status === 401);
      await measure('deleted consumer (gateway)', async (url) => (await gatewayCall(url, s, access)).status === 401);
    }
  });

  it('rotates the signing key through one replica for all', async () => {
    const [a] = team.replicas;
    const s = await seed(a, up1.url, 'rotating', false);
    const kidOf = async (url: string) => kidOfToken((await token(url, s.clientId, s.secret)).accessToken!);
    const before = await kidOf(a.url);
    for (const r of team.replicas) assert.equal(await kidOf(r.url), before);
    const rotated = await a.call('POST', paths.rotateSigningKey());
    assert.equal(rotated.status, 200);
    await measure('key rotation', async (url) => (await kidOf(url)) === rotated.body.kid);
    for (const r of team.replicas) {
      const jwks = (await (await fetch(`${r.url}/oauth2/${ORG}/jwks`)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [before, rotated.body.kid].sort(), 'the old key stays published');
    }
  });

  it('gives exactly one 201 for 50 concurrent creates of one name through different replicas', async () => {
    for (const kind of ['project', 'component'] as const) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const r = team.replicas[i % 3];
          return kind === 'project'
            ? r.call('POST', paths.projects(ORG), { name: 'Race Project', handle: 'race' })
            : r.call('POST', paths.components(ORG, PROJECT), { name: 'race', displayName: 'Race', type: 'external-consumer' });
        }),
      );
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((st) => st === 201).length, 1, `${kind}: ${statuses.join(',')}`);
      assert.equal(statuses.filter((st) => st === 409).length, 49, `${kind}: ${statuses.join(',')}`);
      for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.body.error.code, 'name_taken');
    }
  });
});
