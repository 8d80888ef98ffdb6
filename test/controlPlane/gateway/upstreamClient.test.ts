/**
 * The gateway's own upstream client, through GatewayProxy over real sockets: raw `net` upstreams that send malformed
 * or smuggling-shaped responses (502, and the next call works on a fresh connection), keep-alive reuse, the retry
 * when an idle socket was closed as we wrote, back-pressure with a slow caller, bodies sent chunked, and an https
 * upstream trusted through a test CA made with openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProxy } from '../../../src/controlPlane/gateway/proxy';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A call through the gateway with node:http (no keep-alive agent), the whole body read. */
function call(gateway: string, path: string, opts: { method?: string; body?: string[]; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway}${path}`, { method: opts.method ?? 'GET', agent: false, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const part of opts.body ?? []) req.write(part);
    req.end();
  });
}

/** A raw upstream: reads each request head (no bodies) and answers from `answers` by path, byte for byte. */
async function rawUpstream(answers: Record<string, (socket: net.Socket, served: number) => void>) {
  const sockets = new Set<net.Socket>();
  /** Sockets to close, unanswered, when their next request arrives. */
  const dropNext = new WeakSet<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    let served = 0;
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        if (dropNext.has(socket)) return void socket.destroy();
        const path = head.split(' ')[1];
        const answer = answers[path] ?? ((s: net.Socket) => s.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
        if (path === '/then-drop') dropNext.add(socket);
        answer(socket, served++);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function gatewayFor(proxy: GatewayProxy, upstream: () => string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const q = req.url!.indexOf('?');
    proxy.forward(req, res, upstream(), q < 0 ? req.url! : req.url!.slice(0, q), q < 0 ? '' : req.url!.slice(q));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok';

describe('gateway upstream client (own HTTP/1.1 client, real sockets)', function () {
  this.timeout(20_000);
  let upstream: Awaited<ReturnType<typeof rawUpstream>>;
  let proxy: GatewayProxy;
  let gateway: { server: Server; url: string };

  const malformed: Record<string, string> = {
    '/te-and-cl': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
    '/te-gzip': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    '/two-lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\nok',
    '/bad-length': 'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok',
    '/obs-fold': 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok',
    '/bad-status': 'HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok',
    '/bad-name': 'HTTP/1.1 200 OK\r\nX A: b\r\nContent-Length: 2\r\n\r\nok',
    '/nul': 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok',
    '/upgrade': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    '/huge-head': `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\nContent-Length: 2\r\n\r\nok`,
  };

  before(async () => {
    const answers: Record<string, (s: net.Socket, served: number) => void> = {
      '/ok': (s) => s.write(OK),
      '/close': (s) => s.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
      '/smuggle': (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsmuggle'),
      '/hop': (s) =>
        s.write(
          'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=30\r\nX-Hop: drop me\r\nX-Kept: yes\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok',
        ),
      '/bad-chunk': (s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
      '/chunked': (s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n'),
      // Answered, then the socket is closed when the next request arrives on it (see dropNext): what an upstream
      // does when its idle time-out fires just as we write.
      '/then-drop': (s) => s.write(OK),
      '/late-bytes': (s) => {
        s.write(OK);
        setTimeout(() => s.write('HTTP/1.1 200 OK\r\n'), 30);
      },
    };
    for (const [path, bytes] of Object.entries(malformed)) answers[path] = (s) => s.write(bytes);
    upstream = await rawUpstream(answers);
    proxy = new GatewayProxy({ headersTimeoutMs: 2_000 });
    gateway = await gatewayFor(proxy, () => upstream.url);
  });
  after(async () => {
    await stop(gateway.server);
    await upstream.close();
    await proxy.close();
  });

  it('reuses one kept-alive connection for call after call', async () => {
    const before = upstream.connections();
    for (let i = 0; i < 25; i++) assert.equal((await call(gateway.url, '/ok')).body, 'ok');
    assert.equal(upstream.connections() - before, 1);
    assert.deepEqual(proxy.stats(new URL(upstream.url).origin), { open: 1, idle: 1, waiting: 0, opened: upstream.connections() });
  });

  it('answers 502 upstream_failed naming what was malformed, and the next call works on a fresh connection', async () => {
    await call(gateway.url, '/ok'); // an idle connection for the first bad answer to arrive on
    for (const path of Object.keys(malformed)) {
      const before = upstream.connections();
      const bad = await call(gateway.url, path).catch((err: Error) => assert.fail(`${path}: ${err.message}`));
      assert.equal(bad.status, 502, path);
      const error = JSON.parse(bad.body).error as { code: string; message: string };
      assert.equal(error.code, 'upstream_failed', path);
      assert.match(error.message, /the response was malformed: /, path);
      const good = await call(gateway.url, '/ok');
      assert.equal(good.status, 200, `${path}: the call after`);
      assert.equal(good.body, 'ok');
      assert.equal(upstream.connections() - before, 1, `${path}: the broken connection was not reused (a new one served the next call)`);
    }
    const huge = JSON.parse((await call(gateway.url, '/huge-head')).body).error.message as string;
    assert.match(huge, /header section is larger than 16 KiB/);
    const smuggled = JSON.parse((await call(gateway.url, '/te-and-cl')).body).error.message as string;
    assert.match(smuggled, /both Transfer-Encoding and Content-Length/);
    // Malformed after the head: the status has gone out, so the caller sees the answer cut, and the gateway goes on.
    await assert.rejects(call(gateway.url, '/bad-chunk'), /socket hang up|aborted|ECONNRESET/);
    assert.equal((await call(gateway.url, '/ok')).body, 'ok');
  });

  it('passes a response with bytes after it, but never reuses that connection; late bytes on an idle one close it', async () => {
    const first = await call(gateway.url, '/smuggle');
    assert.equal(first.status, 200);
    assert.equal(first.body, 'ok');
    const before = upstream.connections();
    assert.equal((await call(gateway.url, '/ok')).body, 'ok', 'the smuggled answer never reached a later call');
    assert.equal(upstream.connections() - before, 1, 'the next call went on a new connection');

    await call(gateway.url, '/late-bytes');
    await new Promise((r) => setTimeout(r, 100));
    const stats = proxy.stats(new URL(upstream.url).origin)!;
    assert.equal(stats.idle, 0, 'the connection that sent stray bytes while idle is gone');
    assert.equal((await call(gateway.url, '/ok')).body, 'ok');
  });

  it('does not reuse a connection the upstream asked to close', async () => {
    const own = new GatewayProxy();
    const gw = await gatewayFor(own, () => upstream.url);
    const before = upstream.connections();
    await call(gw.url, '/close');
    await call(gw.url, '/close');
    assert.equal(upstream.connections() - before, 2);
    await stop(gw.server);
    await own.close();
  });

  it('drops hop-by-hop and Connection-listed headers, keeps repeated ones, decodes chunked bodies', async () => {
    const hop = await call(gateway.url, '/hop');
    assert.equal(hop.headers['x-kept'], 'yes');
    assert.equal(hop.headers['x-hop'], undefined);
    assert.equal(hop.headers['keep-alive'], undefined);
    assert.deepEqual(hop.headers['set-cookie'], ['a=1', 'b=2']);
    const chunked = await call(gateway.url, '/chunked');
    assert.equal(chunked.body, 'abcde');
    assert.equal(chunked.headers['x-trailer'], undefined);
  });

  it('retries once on a new connection when a reused idle socket is closed as the call is written', async () => {
    await call(gateway.url, '/then-drop');
    const before = upstream.connections();
    const again = await call(gateway.url, '/ok'); // written on the kept socket, which the upstream drops
    assert.equal(again.status, 200, again.body);
    assert.equal(again.body, 'ok');
    assert.equal(upstream.connections() - before, 1, 'the retry went on a fresh connection');
  });

  it('an idle socket the upstream closes leaves the idle list, and the next call still succeeds', async () => {
    await call(gateway.url, '/ok');
    const origin = new URL(upstream.url).origin;
    assert.ok(proxy.stats(origin)!.idle >= 1);
    const open = proxy.stats(origin)!.open;
    await upstream.close(); // closes every upstream socket (and stops listening)
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(proxy.stats(origin), { ...proxy.stats(origin)!, open: 0, idle: 0 }, `${open} open before`);
    const down = await call(gateway.url, '/ok');
    assert.equal(down.status, 502);
    assert.equal(JSON.parse(down.body).error.code, 'upstream_unavailable');
  });
});

describe('gateway upstream client: bodies, back-pressure, https', function () {
  this.timeout(30_000);
  let proxy: GatewayProxy;
  const closers: Array<() => Promise<void>> = [];
  beforeEach(() => {
    proxy = new GatewayProxy({ headersTimeoutMs: 5_000 });
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await proxy.close();
  });

  /** An async handler's error is left to reach mocha as an unhandled rejection, which fails the test that is running. */
  async function nodeUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => stop(server));
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  it('re-chunks a chunked request body, and forwards a Content-Length body as is', async () => {
    const seen: Array<{ te?: string; cl?: string; body: string }> = [];
    const url = await nodeUpstream(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      seen.push({ te: req.headers['transfer-encoding'], cl: req.headers['content-length'], body });
      res.end('done');
    });
    const gw = await gatewayFor(proxy, () => url);
    closers.push(() => stop(gw.server));
    const chunked = await call(gw.url, '/up', { method: 'POST', body: ['first ', '', 'second ', 'third'] });
    assert.equal(chunked.body, 'done');
    const sized = await call(gw.url, '/up', { method: 'PUT', body: ['12345'], headers: { 'content-length': '5' } });
    assert.equal(sized.body, 'done');
    assert.deepEqual(seen, [
      { te: 'chunked', cl: undefined, body: 'first second third' },
      { te: undefined, cl: '5', body: '12345' },
    ]);
  });

  it('forwards an answer that comes before the request body is sent, and does not reuse that connection', async () => {
    const url = await nodeUpstream((req, res) => {
      if (req.url === '/early') return void res.writeHead(413, { 'content-type': 'text/plain' }).end('too big');
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const gw = await gatewayFor(proxy, () => url);
    closers.push(() => stop(gw.server));
    const upstreamHost = new URL(url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/early`, { method: 'POST', agent: false }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('a'.repeat(1024)); // the rest never comes: the upstream answered already
      setTimeout(() => req.end(), 300);
    });
    assert.equal(res.status, 413);
    assert.equal(res.body, 'too big');
    await new Promise((r) => setTimeout(r, 350));
    const stats = proxy.stats(upstreamHost.origin)!;
    assert.equal(stats.idle, 0, 'the connection with a half-sent body is not kept');
    const connections = stats.opened;
    assert.equal((await call(gw.url, '/after', { method: 'POST', body: ['x'] })).body, 'ok');
    assert.equal(proxy.stats(upstreamHost.origin)!.opened, connections + 1);
  });

  it('pauses the upstream while a slow caller reads: memory stays bounded, and every byte arrives', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    const url = await nodeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const gw = await gatewayFor(proxy, () => url);
    closers.push(() => stop(gw.server));
    // A raw caller that sends the request and then does not read for a while.
    const caller = net.connect(Number(new URL(gw.url).port), '127.0.0.1');
    closers.push(async () => void caller.destroy());
    caller.pause();
    caller.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    const rssBefore = process.memoryUsage().rss;
    await new Promise((r) => setTimeout(r, 1_500));
    const stalledAt = written;
    assert.ok(stalledAt < 16 * 1024 * 1024, `the upstream wrote ${stalledAt} bytes to a caller that reads nothing`);
    assert.ok(process.memoryUsage().rss - rssBefore < 48 * 1024 * 1024, 'the gateway did not buffer the body');
    let received = 0;
    await new Promise<void>((resolve) => {
      caller.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= total) resolve();
      });
      caller.resume();
    });
    assert.ok(received >= total, 'every byte arrived once the caller read');
    assert.equal(written, total);
  });

  it('calls an https upstream whose certificate a test CA signed; refuses it without that CA', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => res.end(`secure ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/base`;

    const trusting = new GatewayProxy({ ca: readFileSync(cert) });
    closers.push(() => trusting.close());
    const gw = await gatewayFor(trusting, () => url);
    closers.push(() => stop(gw.server));
    for (let i = 0; i < 3; i++) assert.equal((await call(gw.url, '/x')).body, 'secure /base/x');
    assert.equal(trusting.stats(new URL(url).origin)!.opened, 1, 'the TLS connection is kept alive');

    const gw2 = await gatewayFor(proxy, () => url);
    closers.push(() => stop(gw2.server));
    const refused = await call(gw2.url, '/x');
    assert.equal(refused.status, 502);
    const error = JSON.parse(refused.body).error as { code: string; message: string };
    assert.equal(error.code, 'upstream_failed');
    assert.match(error.message, /certificate/i);
  });

  it("answers 408 request_timeout, not the service's fault, when the caller stops sending its body", async () => {
    let upstreamGot = 0;
    const url = await nodeUpstream((req, res) => {
      req.on('data', (c: Buffer) => (upstreamGot += c.length));
      req.on('end', () => res.end('complete'));
    });
    const impatient = new GatewayProxy({ bodyTimeoutMs: 300 });
    closers.push(() => impatient.close());
    const gw = await gatewayFor(impatient, () => url);
    closers.push(() => stop(gw.server));
    const started = Date.now();
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/upload`, { method: 'PUT', agent: false, headers: { 'content-length': '1000' } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('x'.repeat(100)); // and then nothing: 900 bytes never come
    });
    assert.equal(res.status, 408, res.body);
    const error = JSON.parse(res.body).error as { code: string; message: string };
    assert.equal(error.code, 'request_timeout');
    assert.match(error.message, /request body stopped arriving/);
    const waited = Date.now() - started;
    assert.ok(waited >= 300 && waited < 3_000, `after the 300 ms body time-out, not the 5 s connect one (${waited} ms)`);
    assert.equal(upstreamGot, 100, 'what the caller sent did reach the service');
  });

  it("answers 504 upstream_timeout when the upstream's headers are late", async () => {
    const slow = await nodeUpstream((_req, res) => void setTimeout(() => res.end('late'), 1_000));
    const quick = new GatewayProxy({ headersTimeoutMs: 200 });
    closers.push(() => quick.close());
    const gw = await gatewayFor(quick, () => slow);
    closers.push(() => stop(gw.server));
    const late = await call(gw.url, '/');
    assert.equal(late.status, 504);
    assert.equal(JSON.parse(late.body).error.code, 'upstream_timeout');
  });
});
