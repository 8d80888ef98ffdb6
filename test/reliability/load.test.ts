/**
 * Load and crashes. Many concurrent clients create, read, list and delete components for a bounded time while tokens
 * are issued and the gateway forwards: zero errors, p50/p99 printed. Then the same kind of load with the control
 * plane killed with SIGKILL at random moments, many times: after every restart the store opens, every acknowledged
 * write is there (and every acknowledged delete stays deleted), and secrets from acknowledged Generate Keys still get
 * tokens that the gateway forwards.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { gatewayUrl, paths } from '../../src/api/routes';
import { ControlPlane, freePort, tempDir } from '../controlPlane/helpers/controlPlane';
import { CONSUMER, ORG, percentile, PROJECT, printFigures, rawRequest, seedWorld } from './helpers/world';

const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 6);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 8);

async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Hello"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function token(cp: ControlPlane, clientId: string, secret: string) {
  return rawRequest(
    cp.url,
    'POST',
    `/oauth2/${ORG}/token`,
    { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
    'grant_type=client_credentials',
  );
}

const json = (cp: ControlPlane, method: string, p: string, body?: unknown) =>
  rawRequest(
    cp.url,
    method,
    p,
    { authorization: `Bearer ${cp.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body ? JSON.stringify(body) : undefined,
  );

describe('load and crashes (real control plane process)', function () {
  this.timeout(150_000);

  it('many concurrent clients create, read, list and delete while tokens are issued and the gateway forwards: zero errors', async () => {
    const upstream = await startUpstream();
    const cp = await ControlPlane.start(tempDir('rel-load-'));
    try {
      const world = await seedWorld(cp, upstream.url);
      const gw = new URL(`${gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'hello', 'development')}/greet`).pathname;
      const first = await token(cp, world.clientId, world.clientSecret);
      const bearer = `Bearer ${first.json.access_token}`;

      const latencies: Record<string, number[]> = { create: [], get: [], list: [], delete: [], token: [], gateway: [] };
      const errors: string[] = [];
      const deadline = Date.now() + LOAD_SECONDS * 1000;
      const timed = async (kind: string, expected: number, run: () => Promise<{ status: number; text: string }>) => {
        const t = performance.now();
        try {
          const res = await run();
          latencies[kind].push(performance.now() - t);
          if (res.status !== expected) errors.push(`${kind}: ${res.status} ${res.text.slice(0, 200)}`);
        } catch (err) {
          errors.push(`${kind}: ${(err as Error).message}`);
        }
      };
      const crud = async (w: number) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const name = `load-${w}-${i}`;
          await timed('create', 201, () =>
            json(cp, 'POST', paths.components(ORG, PROJECT), { displayName: `Load ${w} ${i}`, name, type: 'external-consumer' }),
          );
          await timed('get', 200, () => json(cp, 'GET', paths.component(ORG, PROJECT, name)));
          await timed('list', 200, () => json(cp, 'GET', `${paths.components(ORG, PROJECT)}?prefix=load-${w}-&limit=20`));
          await timed('delete', 204, () => json(cp, 'DELETE', paths.component(ORG, PROJECT, name)));
        }
      };
      const tokens = async () => {
        while (Date.now() < deadline) await timed('token', 200, () => token(cp, world.clientId, world.clientSecret));
      };
      const calls = async () => {
        while (Date.now() < deadline) await timed('gateway', 200, () => rawRequest(cp.url, 'GET', gw, { authorization: bearer }));
      };
      await Promise.all([...Array.from({ length: 12 }, (_, w) => crud(w)), ...Array.from({ length: 6 }, tokens), ...Array.from({ length: 6 }, calls)]);

      const total = Object.values(latencies).reduce((n, l) => n + l.length, 0);
      const rows: Record<string, string | number> = { 'concurrent clients': 24, seconds: LOAD_SECONDS, 'requests answered': total, errors: errors.length };
      for (const [kind, l] of Object.entries(latencies)) {
        l.sort((a, b) => a - b);
        rows[`${kind}: n / p50 / p99 (ms)`] = `${l.length} / ${percentile(l, 50).toFixed(1)} / ${percentile(l, 99).toFixed(1)}`;
      }
      printFigures('load', rows);
      assert.deepEqual(errors.slice(0, 10), []);
      for (const [kind, l] of Object.entries(latencies)) assert.ok(l.length > 10, `${kind} ran only ${l.length} times`);
      // Every component the load created was deleted again: only the seed's are left.
      const left = await json(cp, 'GET', `${paths.components(ORG, PROJECT)}?prefix=load-`);
      assert.deepEqual(left.json.items, []);
    } finally {
      await cp.stop();
      await upstream.close();
    }
  });

  it(`SIGKILL during load, ${KILLS} times: the store opens each time and every acknowledged write is there`, async () => {
    const upstream = await startUpstream();
    const dataDir = tempDir('rel-kill-');
    // A fixed port, so issuers and gateway URLs stay the same across restarts; a small journal, so that kills also
    // land during compaction.
    const args = ['--port', String(await freePort()), '--compact-bytes', '20000'];
    let cp = await ControlPlane.start(dataDir, args);
    const world = await seedWorld(cp, upstream.url);
    const gw = new URL(`${gatewayUrl(cp.url, ORG, PROJECT, 'greeting', 'hello', 'development')}/greet`).pathname;

    const created = new Set<string>(); // acknowledged creates not since deleted
    const deleted = new Set<string>(); // acknowledged deletes
    const keys = new Map<string, { clientId: string; secret: string }>(); // acknowledged Generate Keys
    let acknowledged = 0;
    let found = 0;
    let tokensDuringLoad = 0;
    let inFlightLost = 0;
    let n = 0;
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        let stop = false;
        const writer = async (w: number) => {
          while (!stop) {
            const name = `k${kill}-w${w}-${n++}`;
            try {
              const res = await json(cp, 'POST', paths.components(ORG, PROJECT), { displayName: name, name, type: 'external-consumer' });
              if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`);
              created.add(name);
              acknowledged++;
              if (n % 4 === 0) {
                const k = await json(cp, 'POST', `${paths.authFor(ORG, PROJECT, name, 'development')}/generate-keys`);
                if (k.status !== 201) throw new Error(`generate-keys ${name}: ${k.status} ${k.text}`);
                keys.set(name, { clientId: k.json.authConfiguration.clientId, secret: k.json.clientSecret });
                acknowledged++;
              } else if (n % 3 === 0) {
                // A delete in flight when the process dies may or may not have landed: stop expecting the name
                // before sending it, and count it as deleted only once acknowledged.
                created.delete(name);
                const d = await json(cp, 'DELETE', paths.component(ORG, PROJECT, name));
                if (d.status !== 204) throw new Error(`delete ${name}: ${d.status} ${d.text}`);
                deleted.add(name);
                acknowledged++;
              }
            } catch (err) {
              if (stop || cp.child.exitCode !== null || cp.child.signalCode !== null) {
                inFlightLost++; // in flight when the process died: either outcome is allowed
                return;
              }
              throw err;
            }
          }
        };
        const reader = async () => {
          while (!stop) {
            try {
              const t = await token(cp, world.clientId, world.clientSecret);
              if (t.status === 200) {
                tokensDuringLoad++;
                await rawRequest(cp.url, 'GET', gw, { authorization: `Bearer ${t.json.access_token}` });
              }
            } catch {
              return;
            }
          }
        };
        const load = Promise.all([...Array.from({ length: 8 }, (_, w) => writer(w)), reader(), reader()]);
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
        stop = true;
        await cp.kill();
        await load;

        cp = await ControlPlane.start(dataDir, args); // throws if the store does not open
        const listed = new Set<string>();
        let cursor: string | undefined;
        do {
          const page = await json(cp, 'GET', `${paths.components(ORG, PROJECT)}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(page.status, 200, page.text);
          for (const c of page.json.items) listed.add(c.name);
          cursor = page.json.nextCursor;
        } while (cursor);
        for (const name of created) assert.ok(listed.has(name), `acknowledged create of ${name} lost after kill ${kill}`);
        for (const name of deleted) assert.ok(!listed.has(name), `acknowledged delete of ${name} undone after kill ${kill}`);
        found = created.size + deleted.size;
      }

      // Every acknowledged Generate Keys still works: a token, and (for a connected consumer) the gateway.
      let keysWorking = 0;
      for (const [name, k] of keys) {
        if (deleted.has(name)) continue;
        const t = await token(cp, k.clientId, k.secret);
        assert.equal(t.status, 200, `the secret of ${name} from an acknowledged Generate Keys: ${t.text}`);
        keysWorking++;
      }
      const t = await token(cp, world.clientId, world.clientSecret);
      assert.equal((await rawRequest(cp.url, 'GET', gw, { authorization: `Bearer ${t.json.access_token}` })).status, 200);
      assert.ok((await json(cp, 'GET', paths.component(ORG, PROJECT, CONSUMER))).status === 200);

      printFigures('SIGKILL during load', {
        'faults injected (SIGKILL)': KILLS,
        'restarts where the store opened': KILLS,
        'writes acknowledged': acknowledged,
        'creates and deletes checked after restarts': found,
        'acknowledged Generate Keys still getting tokens': keysWorking,
        'requests in flight at a kill (either outcome ok)': inFlightLost,
        'tokens issued during the load': tokensDuringLoad,
        'acknowledged writes lost': 0,
      });
      assert.ok(acknowledged > KILLS * 5, `only ${acknowledged} writes were acknowledged`);
    } finally {
      await cp.stop();
      await upstream.close();
    }
  });
});
