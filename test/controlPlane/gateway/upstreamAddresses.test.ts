/**
 * Issue 22, rows 3–4: a service's upstream URL cannot aim a team server's gateway inside (loopback in any spelling,
 * cloud metadata, unique-local, private), neither when the URL is saved nor when the name it holds resolves
 * elsewhere later. The control plane runs in this process as a team server (`publicUrl`) with the test's network:
 * a resolver (a fake DNS whose answers the test changes) and the gateway's connector, which records the address the
 * gateway would dial and dials a loopback listener instead, so no test traffic leaves loopback. The loopback listener
 * records every request that reaches it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { paths } from '../../../src/api/routes';
import type { UpstreamConnect } from '../../../src/controlPlane/gateway/upstream/connector';
import { ADMIN_TOKEN_FILE } from '../../../src/controlPlane/http/auth';
import type { Resolve } from '../../../src/controlPlane/http/outbound';
import { startControlPlane, type RunningControlPlane } from '../../../src/controlPlane/server';
import { builtInAccessToken, freePort, tempDir } from '../helpers/controlPlane';

const PUBLIC_URL = 'https://cp.example.test';
const PROJECT = 'default';

describe('issue 22: upstream URLs on a team server (rows 3–4)', function () {
  this.timeout(60_000);
  let listener: http.Server;
  let listenerPort = 0;
  /** Requests that reached the loopback listener. */
  const reached: string[] = [];
  /** Addresses the gateway dialled (through the test's connector). */
  const dialed: string[] = [];
  /** The fake DNS. */
  const dns = new Map<string, string>();
  const resolve: Resolve = async (host) => {
    const address = dns.get(host);
    if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: net.isIP(address) }];
  };
  /** As net.connect does: an IP address is dialled as it is, a name through the lookup it was given; the dial is
   * recorded and goes to the loopback listener. */
  const upstreamConnect: UpstreamConnect = (o) => {
    if (net.isIP(o.host) !== 0) {
      dialed.push(o.host);
      return net.connect({ host: '127.0.0.1', port: listenerPort, onread: o.onread });
    }
    assert.ok(o.lookup, 'a team server connects to a name only through its checking lookup');
    return net.connect({
      host: o.host,
      port: listenerPort,
      onread: o.onread,
      lookup: (hostname, options, callback) =>
        o.lookup!(hostname, { ...options, all: false }, (err, address) => {
          const done = callback as (e: Error | null, a: string | { address: string; family: number }[], f?: number) => void;
          if (err) return done(err, '');
          dialed.push(address as string);
          if (options.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
          else done(null, '127.0.0.1', 4);
        }),
    });
  };

  let dataDir = '';
  let cp: RunningControlPlane | undefined;
  let url = '';
  let token = '';
  const start = async (allowPrivateAddresses = false) => {
    await cp?.close();
    const port = await freePort();
    cp = await startControlPlane({
      dataDir,
      host: '127.0.0.1',
      port,
      publicUrl: PUBLIC_URL,
      allowPrivateAddresses,
      sampleService: true,
      network: { resolve, upstreamConnect },
    });
    url = `http://127.0.0.1:${port}`;
    token = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  };
  const api = async (method: string, apiPath: string, body?: unknown) => {
    const res = await fetch(url + apiPath, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const must = async (status: number, method: string, apiPath: string, body?: unknown) => {
    const res = await api(method, apiPath, body);
    assert.equal(res.status, status, `${method} ${apiPath} → ${res.status} ${res.text}`);
    return res.body;
  };

  let org = '';
  let accessToken = '';
  const service = (name: string, upstreamUrl: string) => ({
    name,
    displayName: name,
    type: 'service',
    endpoints: [{ name: 'api', upstreamUrls: { development: upstreamUrl } }],
  });
  /** A service at `upstreamUrl`, made while it is allowed, with the consumer connected to it. */
  const connected = async (name: string, upstreamUrl: string) => {
    await must(201, 'POST', paths.components(org, PROJECT), service(name, upstreamUrl));
    await must(201, 'POST', `${paths.component(org, PROJECT, 'app')}/connections`, { name, serviceComponentName: name, endpointName: 'api' });
  };
  /** The server applies the rule (asked before any call that could leave loopback without it: on a server without
   * the rule, the test stops here). */
  const ruleIsOn = async () => {
    const res = await api('POST', paths.components(org, PROJECT), service(`probe-${Math.random().toString(36).slice(2, 8)}`, `http://127.1:${listenerPort}`));
    assert.equal(res.status, 400, `the address rule is on: ${res.text}`);
  };
  const call = async (name: string) => {
    const res = await fetch(`${url}/gw/${org}/${PROJECT}/${name}/api/development/x`, { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    // Each answer closes its connection, so each call makes a new one: the address rule runs on every call.
    listener = http.createServer((req, res) => {
      reached.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('inside');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    listenerPort = (listener.address() as net.AddressInfo).port;
    dataDir = tempDir('upstream-rule-');
    await start();
    org = (await must(201, 'POST', paths.orgs(), { name: 'Mallory Labs' })).handle;
    await must(201, 'POST', paths.components(org, PROJECT), { name: 'app', displayName: 'App', type: 'external-consumer' });
    const keys = await must(201, 'POST', `${paths.authFor(org, PROJECT, 'app', 'development')}/generate-keys`);
    accessToken = await builtInAccessToken(url, org, keys.authConfiguration.clientId, keys.clientSecret);
  });
  after(async () => {
    await cp?.close();
    await new Promise((r) => listener?.close(r));
  });

  const inside = (port: number) =>
    [
      ['http://127.0.0.1', 'loopback'],
      ['http://localhost', 'loopback'],
      ['http://127.1', 'loopback'],
      ['http://0x7f.1', 'loopback'],
      ['http://2130706433', 'loopback'],
      ['http://0177.0.0.1', 'loopback'],
      ['http://0.0.0.0', 'unspecified'],
      ['http://[::1]', 'loopback'],
      ['http://[::ffff:127.0.0.1]', 'IPv4-mapped'],
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['http://[fd00:ec2::254]', 'unique-local'],
      ['http://10.0.0.1', 'private'],
    ].map(([u, rule]) => {
      const at = new URL(u);
      at.port = String(port);
      return [at.href, rule] as const;
    });

  it('refuses each such upstream URL when it is saved, naming the rule and --allow-private-addresses; nothing is stored', async () => {
    dns.set('localhost', '127.0.0.1');
    for (const [i, [upstreamUrl, rule]] of inside(listenerPort).entries()) {
      const created = await api('POST', paths.components(org, PROJECT), service(`inside-${i}`, upstreamUrl));
      assert.equal(created.status, 400, `${upstreamUrl}: ${created.text}`);
      assert.equal(created.body.error.code, 'validation_failed');
      const field = created.body.error.fields[0];
      assert.equal(field.path, 'endpoints.0.upstreamUrls.development');
      assert.match(field.message, new RegExp(`is a ${rule.replace(/[-()]/g, '.')}`), field.message);
      assert.match(field.message, /--allow-private-addresses/);
      assert.equal((await api('GET', paths.component(org, PROJECT, `inside-${i}`))).status, 404);
    }
    // The same through the Service Overview's edit of one environment.
    await must(201, 'POST', paths.components(org, PROJECT), service('public-one', 'http://93.184.216.34'));
    const patched = await api('PATCH', `${paths.component(org, PROJECT, 'public-one')}/endpoints/api`, {
      upstreamUrls: { development: `http://169.254.169.254:${listenerPort}/` },
    });
    assert.equal(patched.status, 400, patched.text);
    assert.match(patched.body.error.fields[0].message, /link-local.*--allow-private-addresses/);
    assert.equal(reached.length, 0);
  });

  it('judges the address the gateway connects to, not the one the name had when saved (DNS changed)', async () => {
    await ruleIsOn();
    dns.set('orders.example.com', '203.0.113.10');
    await connected('orders', `http://orders.example.com:${listenerPort}`);
    const first = await call('orders');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(dialed, ['203.0.113.10'], 'the gateway dialled the public address it resolved');
    for (const address of ['127.0.0.1', '169.254.169.254', 'fd00:ec2::254', '::ffff:127.0.0.1', '10.0.0.1', '0.0.0.0']) {
      dns.set('orders.example.com', address);
      const before = reached.length;
      const res = await call('orders');
      assert.equal(res.status, 502, `${address}: ${res.text}`);
      assert.equal(JSON.parse(res.text).error.code, 'upstream_refused');
      assert.match(res.text, /--allow-private-addresses/);
      assert.equal(reached.length, before, `${address}: nothing reached the listener`);
    }
    assert.deepEqual(dialed, ['203.0.113.10'], 'no other address was dialled');
  });

  it('refuses upstreams saved under --allow-private-addresses once the operator drops the flag, and serves them while it is on', async () => {
    await start(true);
    for (const [i, [upstreamUrl]] of inside(listenerPort).entries()) await connected(`allowed-${i}`, upstreamUrl);
    const before = reached.length;
    assert.equal((await call('allowed-0')).status, 200, 'with the flag, a loopback upstream is called');
    assert.equal(reached.length, before + 1);
    await start(false);
    await ruleIsOn();
    dialed.length = 0;
    for (const [i, [upstreamUrl, rule]] of inside(listenerPort).entries()) {
      const res = await call(`allowed-${i}`);
      assert.equal(res.status, 502, `${upstreamUrl}: ${res.text}`);
      assert.match(res.text, /upstream_refused/);
      assert.match(res.text, new RegExp(`is a ${rule.replace(/[-()]/g, '.')}`));
    }
    assert.deepEqual(dialed, [], 'no address was dialled');
    assert.equal(reached.length, before + 1);
  });

  it('serves the sample service in process without the flag, and never calls its own public URL', async () => {
    await ruleIsOn();
    // Seeded with the organization (sampleService: true); asking again answers it.
    const sample = await must(200, 'POST', `${paths.project(org, PROJECT)}/sample-service`);
    assert.equal(sample.endpoints[0].upstreamUrls.development, `${PUBLIC_URL}/sample-services/greeting`);
    await must(201, 'POST', `${paths.component(org, PROJECT, 'app')}/connections`, {
      name: 'greeting',
      serviceComponentName: 'greeting-service',
      endpointName: 'greeting',
    });
    dialed.length = 0;
    const res = await fetch(`${url}/gw/${org}/${PROJECT}/greeting-service/greeting/development/greeting?name=Tony`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { message: string }).message, 'Hello, Tony!');
    // Any other URL of its own is refused when saved: the gateway would call itself.
    const loop = await api('POST', paths.components(org, PROJECT), service('loop', `${PUBLIC_URL}/gw/${org}/${PROJECT}/greeting-service/greeting/development`));
    assert.equal(loop.status, 400, loop.text);
    assert.match(loop.body.error.fields[0].message, /this control plane's own URL/);
    // The same URL spelled another way (case, the default port, a dot segment) is still this control plane.
    for (const [i, spelled] of ['HTTPS://CP.EXAMPLE.TEST', 'https://cp.example.test:443', 'https://cp.example.test/./'].entries()) {
      const again = await api(
        'POST',
        paths.components(org, PROJECT),
        service(`loop-${i}`, `${spelled}/gw/${org}/${PROJECT}/greeting-service/greeting/development`),
      );
      assert.equal(again.status, 400, `${spelled}: ${again.text}`);
      assert.match(again.body.error.fields[0].message, /this control plane's own URL/);
    }
    assert.deepEqual(dialed, [], 'nothing dialled');
  });
});
