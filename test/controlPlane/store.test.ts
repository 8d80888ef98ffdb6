/**
 * The store, through the real process: acknowledged writes survive kill -9 at random moments, the data folder
 * stays readable, a second process is refused, a torn last journal line is cut, damage before acknowledged writes
 * is refused, URLs stay the same across restarts, and 10,000 components page quickly.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Component, page, paths } from '../../src/api';
import { DataFolderLocked, lockDataFolder } from '../../src/controlPlane/store/lock';
import { ControlPlane, freePort, runCli, tempDir } from './helpers/controlPlane';

const org = 'stark-industries';
const proj = 'default';

async function allComponentNames(cp: ControlPlane): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await cp.call('GET', `${paths.components(org, proj)}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, res.text);
    const p = page(Component).parse(res.body);
    names.push(...p.items.map((c) => c.name));
    cursor = p.nextCursor;
  } while (cursor);
  return names;
}

async function token(url: string, clientId: string, secret: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  await res.arrayBuffer();
  return res.status;
}

describe('store', function () {
  this.timeout(120_000);

  it('keeps every acknowledged write through repeated kill -9 at random moments', async () => {
    const dataDir = tempDir();
    // A small compaction threshold, so that kills also land during snapshot writes.
    const args = ['--compact-bytes', '8000'];
    let cp = await ControlPlane.start(dataDir, args);
    assert.equal((await cp.call('POST', paths.orgs(), { name: 'Stark Industries' })).status, 201);
    const acked = new Set<string>();
    const deleted = new Set<string>();
    const keys = new Map<string, string>(); // component → secret of an acknowledged Generate Keys
    const clientIds = new Map<string, string>();
    const tried = new Set<string>();
    let uncertain = 0;
    const rounds = 12;

    for (let round = 0; round < rounds; round++) {
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const name = `c-${round}-${w}-${i}`;
          try {
            const r = Math.random();
            if (r < 0.15 && acked.size > 0) {
              const victim = [...acked][Math.floor(Math.random() * acked.size)];
              acked.delete(victim);
              keys.delete(victim);
              const res = await cp.call('DELETE', paths.component(org, proj, victim));
              if (res.status === 204) deleted.add(victim);
            } else if (r < 0.35 && acked.size > 0) {
              const candidates = [...acked].filter((n) => !keys.has(n) && !tried.has(n));
              if (candidates.length === 0) continue;
              const target = candidates[Math.floor(Math.random() * candidates.length)];
              // Tried once only: a Generate Keys cut by a kill may have landed, and then a retry is a conflict.
              tried.add(target);
              const res = await cp.call('POST', `${paths.authFor(org, proj, target, 'development')}/generate-keys`);
              if (res.status === 201 && acked.has(target)) {
                keys.set(target, res.body.clientSecret);
                clientIds.set(target, res.body.authConfiguration.clientId);
              }
            } else {
              const res = await cp.call('POST', paths.components(org, proj), { displayName: name, name, type: 'external-consumer' });
              if (res.status === 201) acked.add(name);
            }
          } catch {
            uncertain++; // The process died mid-request: this write may or may not have landed.
            return;
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, 80 + Math.random() * 300));
      await cp.kill();
      stop = true;
      await Promise.all(workers);

      cp = await ControlPlane.start(dataDir, args);
      const names = new Set(await allComponentNames(cp));
      for (const n of acked) assert.ok(names.has(n), `round ${round}: acknowledged component ${n} is missing`);
      for (const n of deleted) assert.ok(!names.has(n), `round ${round}: deleted component ${n} came back`);
      for (const [n, secret] of keys) {
        assert.equal(await token(`${cp.url}/oauth2/${org}/token`, clientIds.get(n)!, secret), 200, `round ${round}: keys of ${n} do not work`);
      }
    }
    await cp.stop();
    console.log(
      `      ${rounds} kills: ${acked.size} components, ${deleted.size} deletes, ${keys.size} Generate Keys acknowledged and kept; ${uncertain} requests cut by a kill`,
    );
    assert.ok(acked.size > 50, `enough writes were acknowledged to mean something (${acked.size})`);
    assert.ok(deleted.size > 3 && keys.size > 3, `deletes (${deleted.size}) and Generate Keys (${keys.size}) were exercised`);
    assert.ok(fs.existsSync(path.join(dataDir, 'snapshot.json')), 'compaction ran');
  });

  it('refuses a second process on the same data folder, and takes over the lock of a killed one', async () => {
    const dataDir = tempDir();
    const first = await ControlPlane.start(dataDir);
    const second = await runCli(['serve', '--data', dataDir, '--port', '0']);
    assert.equal(second.code, 73);
    assert.match(second.stderr, new RegExp(`Another control plane \\(pid ${first.child.pid}\\) is using the data folder`));
    assert.match(second.stderr, /--data/);
    assert.equal((await first.call('GET', '/healthz')).status, 200, 'the first one is unharmed');
    await first.kill();
    const third = await ControlPlane.start(dataDir);
    assert.equal((await third.call('GET', '/healthz')).status, 200);
    await third.stop();
  });

  describe('a lock whose pid is alive in a process that is not its owner (a pid reused after a reboot or a crash)', () => {
    const timing = { heartbeatMs: 100, staleMs: 3_000 };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let stranger: ReturnType<typeof spawn>;
    let dir: string;
    let lockFile: string;
    const beatenAgo = (ms: number) => {
      const then = new Date(Date.now() - ms);
      fs.utimesSync(lockFile, then, then);
    };
    beforeEach(() => {
      stranger = spawn('sleep', ['60']);
      dir = tempDir();
      lockFile = path.join(dir, 'lock');
      fs.writeFileSync(lockFile, String(stranger.pid));
    });
    afterEach(() => stranger.kill());

    it('is refused while its heartbeat is recent', async () => {
      await assert.rejects(lockDataFolder(dir, timing), DataFolderLocked);
      assert.equal(fs.readFileSync(lockFile, 'utf8'), String(stranger.pid), 'the lock is untouched');
    });

    it('is taken over once its heartbeat has stopped, and the new owner keeps it fresh', async () => {
      beatenAgo(60_000);
      const lock = await lockDataFolder(dir, timing);
      assert.equal(fs.readFileSync(lockFile, 'utf8'), String(process.pid));
      beatenAgo(60_000);
      await sleep(timing.heartbeatMs * 3);
      assert.ok(Date.now() - fs.statSync(lockFile).mtimeMs < 1_000, 'the heartbeat refreshed the lock');
      lock.release();
      assert.equal(fs.existsSync(lockFile), false);
    });

    it('stays with an owner that was only paused and beats again within one heartbeat', async () => {
      beatenAgo(60_000);
      setTimeout(() => beatenAgo(0), timing.heartbeatMs); // the owner wakes up (a laptop resumed)
      await assert.rejects(lockDataFolder(dir, timing), DataFolderLocked);
      assert.equal(fs.readFileSync(lockFile, 'utf8'), String(stranger.pid));
    });
  });

  it('cuts a torn last journal line, and refuses damage before acknowledged writes', async () => {
    const dataDir = tempDir();
    let cp = await ControlPlane.start(dataDir);
    await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
    await cp.call('POST', paths.components(org, proj), { displayName: 'A', name: 'a', type: 'external-consumer' });
    await cp.stop();
    const journal = path.join(dataDir, 'journal.jsonl');
    const good = fs.readFileSync(journal, 'utf8');
    fs.appendFileSync(journal, '0123456789abcdef {"seq":3,"ops":[{"op":"put","coll');

    cp = await ControlPlane.start(dataDir);
    assert.deepEqual(await allComponentNames(cp), ['a']);
    assert.equal(fs.readFileSync(journal, 'utf8'), good, 'the torn tail was cut');
    assert.equal((await cp.call('POST', paths.components(org, proj), { displayName: 'B', name: 'b', type: 'external-consumer' })).status, 201);
    await cp.stop();

    // A damaged line followed by a good one is not a crash artefact: refuse rather than drop acknowledged writes.
    const lines = fs.readFileSync(journal, 'utf8').split('\n');
    lines[0] = lines[0].replace('Stark Industries', 'Stark Industriez');
    const damaged = lines.join('\n');
    fs.writeFileSync(journal, damaged);
    const refused = await runCli(['serve', '--data', dataDir, '--port', '0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /damaged at line 1/);
    assert.equal(fs.readFileSync(journal, 'utf8'), damaged, 'nothing was changed');
  });

  it('keeps its URLs across restarts with the same settings', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    // The helper passes --port 0 first; a later --port wins, as with any parseArgs option.
    let cp = await ControlPlane.start(dataDir, ['--port', String(port)]);
    assert.equal(cp.url, `http://127.0.0.1:${port}`);
    await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
    const before = (await cp.call('GET', paths.identityProviders(org))).body.items[0];
    await cp.stop();
    cp = await ControlPlane.start(dataDir, ['--port', String(port)]);
    const after = (await cp.call('GET', paths.identityProviders(org))).body.items[0];
    assert.deepEqual([after.issuer, after.tokenEndpoint, after.jwksUri], [before.issuer, before.tokenEndpoint, before.jwksUri]);
    await cp.stop();
    const team = await ControlPlane.start(dataDir, ['--public-url', 'https://choreo-cp.example.test/']);
    assert.equal(team.url, 'https://choreo-cp.example.test');
    await team.stop();
  });

  it('lists 10,000 components a page at a time, filtered by prefix, quickly, and after a restart', async () => {
    const dataDir = tempDir();
    let cp = await ControlPlane.start(dataDir);
    await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
    const total = 10_000;
    const name = (i: number) => `consumer-${String(i).padStart(5, '0')}`;
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < total) {
          const i = next++;
          const res = await cp.call('POST', paths.components(org, proj), { displayName: `Consumer ${i}`, name: name(i), type: 'external-consumer' });
          assert.equal(res.status, 201, res.text);
        }
      }),
    );
    const createMs = Date.now() - started;

    const check = async () => {
      const t0 = performance.now();
      const names = await allComponentNames(cp);
      const fullListMs = performance.now() - t0;
      assert.equal(names.length, total);
      assert.deepEqual(
        names,
        Array.from({ length: total }, (_, i) => name(i)),
      );
      const t1 = performance.now();
      const p = page(Component).parse((await cp.call('GET', `${paths.components(org, proj)}?prefix=consumer-099&limit=50`)).body);
      const prefixMs = performance.now() - t1;
      assert.deepEqual(
        p.items.map((c) => c.name),
        Array.from({ length: 50 }, (_, i) => name(9900 + i)),
      );
      const rest = page(Component).parse((await cp.call('GET', `${paths.components(org, proj)}?prefix=consumer-099&limit=500&cursor=${p.nextCursor}`)).body);
      assert.equal(rest.items.length, 50);
      assert.equal(rest.nextCursor, undefined);
      const deep = page(Component).parse((await cp.call('GET', `${paths.components(org, proj)}?limit=1&cursor=${p.nextCursor}`)).body);
      assert.equal(deep.items[0].name, name(9950), 'a cursor continues the full list too');
      assert.ok(prefixMs < 200, `a prefix page took ${prefixMs.toFixed(0)} ms`);
      assert.ok(fullListMs < 5000, `paging through all took ${fullListMs.toFixed(0)} ms`);
      return { fullListMs, prefixMs };
    };
    const live = await check();
    await cp.stop();
    const t = Date.now();
    cp = await ControlPlane.start(dataDir);
    const startMs = Date.now() - t;
    const restarted = await check();
    await cp.stop();
    console.log(
      `      10,000 components: created in ${createMs} ms (32 concurrent), restart ${startMs} ms, ` +
        `all 20 pages ${live.fullListMs.toFixed(0)}/${restarted.fullListMs.toFixed(0)} ms, prefix page ${live.prefixMs.toFixed(1)}/${restarted.prefixMs.toFixed(1)} ms`,
    );
  });
});
