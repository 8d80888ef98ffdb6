/**
 * Faults at the edges, through the real control plane process. An upstream that hangs, resets connections, answers
 * garbage or answers slowly: the gateway answers 502/504 with a JSON error (or passes the slow answer on) and keeps
 * serving everyone else meanwhile. An external provider's discovery URL that hangs, redirects in a loop or sends a
 * huge body: registration is refused with discovery_failed, and nothing is stored.
 *
 * The slowest case (a hung upstream, answered at the gateway's 30 s header time-out) runs alongside the others.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { gatewayUrl, paths } from '../../src/api/routes';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { dataFingerprint, ORG, PROJECT, printFigures, rawRequest, seedWorld, type World } from './helpers/world';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** One loopback server whose behaviour is chosen by the first path segment. */
async function startHostile(behaviours: Record<string, Behaviour>) {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '/').split('/')[1];
    (behaviours[name] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('faults at the edges: upstreams and discovery URLs (real control plane process)', function () {
  this.timeout(90_000);
  let cp: ControlPlane;
  let world: World;
  let hostile: Awaited<ReturnType<typeof startHostile>>;
  let bearer: string;
  let dataBefore: string;
  /** The hung discovery registration, started early so that its time-out runs alongside the hung upstream's. */
  let hangingRegistration: Promise<{ res: Awaited<ReturnType<ControlPlane['call']>>; ms: number }>;
  const figures: Record<string, string | number> = {};

  before(async () => {
    hostile = await startHostile({
      ok: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Hello"}'),
      hang: () => {},
      reset: (req) => req.socket.destroy(),
      garbage: (req) => {
        req.socket.end('this is not HTTP\r\n\r\n');
      },
      'reset-mid-body': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        res.write('{"partial":');
        setTimeout(() => req.socket.destroy(), 50);
      },
      slow: (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 1500),
      // Discovery: a redirect to itself, forever.
      loop: (req, res) => res.writeHead(302, { location: req.url }).end(),
      // Discovery: an endless body.
      huge: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, ' ');
        res.write('{"issuer":"');
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
          res.once('drain', pump);
        };
        pump();
        res.on('close', () => res.removeAllListeners('drain'));
      },
    });
    cp = await ControlPlane.start(tempDir('rel-edges-'));
    world = await seedWorld(cp, `${hostile.url}/ok`);
    const endpoints = ['hang', 'reset', 'garbage', 'reset-mid-body', 'slow', 'ok'].map((name) => ({
      name,
      upstreamUrls: { development: `${hostile.url}/${name}` },
    }));
    const upd = await cp.call('PATCH', paths.component(ORG, PROJECT, 'greeting'), {
      endpoints: endpoints.map((e) => ({ ...e, name: e.name === 'ok' ? 'hello' : e.name })),
    });
    assert.equal(upd.status, 200, upd.text);
    for (const e of endpoints) {
      if (e.name === 'ok') continue;
      const c = await cp.call('POST', paths.connections(ORG, PROJECT, 'stark-mobile-app'), {
        name: `To ${e.name}`,
        serviceComponentName: 'greeting',
        endpointName: e.name,
      });
      assert.equal(c.status, 201, c.text);
    }
    const t = await rawRequest(
      cp.url,
      'POST',
      `/oauth2/${ORG}/token`,
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${world.clientId}:${world.clientSecret}`).toString('base64')}`,
      },
      'grant_type=client_credentials',
    );
    bearer = `Bearer ${t.json.access_token}`;
    dataBefore = dataFingerprint(cp.dataDir);
    const started = Date.now();
    hangingRegistration = register('hang').then((res) => ({ res, ms: Date.now() - started }));
  });
  after(async () => {
    await cp?.stop();
    await hostile?.close();
    printFigures('faults at the edges', figures);
  });

  const register = (name: string) =>
    cp.call('POST', paths.identityProviders(ORG), { name: `Hostile ${name}`, wellKnownUrl: `${hostile.url}/${name}/.well-known/openid-configuration` });
  const through = (endpoint: string) =>
    rawRequest(
      cp.url,
      'GET',
      new URL(gatewayUrl(cp.url, ORG, PROJECT, 'greeting', endpoint, 'development')).pathname,
      { authorization: bearer },
      undefined,
      60_000,
    );

  it('a hung upstream → 504, a reset or garbage → 502, a slow one → its answer; the gateway serves everyone else meanwhile', async () => {
    const started = Date.now();
    const hung = through('hang').then((r) => ({ ...r, ms: Date.now() - started }));

    const reset = await through('reset');
    assert.equal(reset.status, 502, reset.text);
    assert.match(reset.json.error.code, /^upstream_(unavailable|failed)$/);
    const garbage = await through('garbage');
    assert.equal(garbage.status, 502, garbage.text);
    assert.match(garbage.json.error.code, /^upstream_(unavailable|failed)$/);
    const slow = await through('slow');
    assert.equal(slow.status, 200);
    assert.deepEqual(slow.json, { slow: true });
    // Cut after the headers: the status is already sent, so the caller sees a cut body, and the gateway lives on.
    await through('reset-mid-body').then(
      (r) => assert.notDeepEqual(r.json, { partial: true }),
      (err: Error) => assert.match(err.message, /aborted|socket hang up|ECONNRESET|terminated/i),
    );

    // While the hung call waits for its time-out, other calls, tokens and the management API all answer.
    let servedMeanwhile = 0;
    while (Date.now() - started < 3_000) {
      assert.equal((await through('hello')).status, 200);
      assert.equal((await cp.call('GET', paths.components(ORG, PROJECT))).status, 200);
      servedMeanwhile += 2;
    }
    const h = await hung;
    assert.equal(h.status, 504, h.text);
    assert.equal(h.json.error.code, 'upstream_timeout');
    assert.equal((await through('hello')).status, 200, 'still up after every fault');
    assert.equal(cp.child.exitCode, null);
    Object.assign(figures, {
      'upstream faults (hang, reset, garbage, cut, slow)': 5,
      'hung upstream answered 504 after (s)': (h.ms / 1000).toFixed(1),
      'calls served while one hung': servedMeanwhile,
    });
  });

  it('a discovery URL that hangs, redirects in a loop or sends a huge body is refused with discovery_failed, storing nothing', async () => {
    const timings: string[] = [];
    for (const name of ['loop', 'huge', 'hang']) {
      const started = Date.now();
      const { res, ms } = name === 'hang' ? await hangingRegistration : { res: await register(name), ms: Date.now() - started };
      timings.push(`${name} ${(ms / 1000).toFixed(1)} s`);
      assert.ok(res.status >= 400 && res.status < 500, `${name}: ${res.status} ${res.text}`);
      assert.equal(res.body.error.code, 'discovery_failed', name);
      assert.match(res.body.error.message, { loop: /redirect/i, huge: /larger than \d+ KiB/, hang: /No usable answer came from/ }[name]!);
      assert.ok(ms < 20_000, `${name} took ${ms} ms`);
    }
    assert.equal(dataFingerprint(cp.dataDir), dataBefore);
    const idps = await cp.call('GET', paths.identityProviders(ORG));
    assert.deepEqual(
      idps.body.items.map((i: { kind: string }) => i.kind),
      ['built-in'],
    );
    assert.equal((await cp.call('GET', '/healthz', undefined, { token: null })).status, 200);
    figures['discovery refusals (time to refuse)'] = timings.join(', ');
  });
});
