import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { GatewayProxy, upstreamPath } from '../../../src/controlPlane/gateway/proxy';

const PREFIX = '/gw/stark/default/greeting-service/greeting/development';

/** An async handler's error is left to reach mocha as an unhandled rejection, which fails the test that is running. */
async function listen(handler: (...args: Parameters<RequestListener>) => void | Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('gateway proxy', function () {
  this.timeout(10_000);
  let upstream: { server: Server; url: string };
  let gateway: { server: Server; url: string };
  let proxy: GatewayProxy;
  let upstreamConnections = 0;
  let release: (() => void) | undefined;
  let upstreamCutOff: (() => void) | undefined;
  const releaseUpstream = () => release?.();

  before(async () => {
    upstream = await listen(async (req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname.endsWith('/upload')) {
        const hash = createHash('sha256');
        let length = 0;
        for await (const chunk of req) {
          hash.update(chunk);
          length += chunk.length;
        }
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ length, sha256: hash.digest('hex') }));
      }
      if (url.pathname.endsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        res.on('close', () => {
          if (!res.writableFinished) upstreamCutOff?.();
        });
        await new Promise<void>((r) => (release = r));
        return void res.end('last');
      }
      if (url.pathname.endsWith('/slow')) return void setTimeout(() => res.end('late'), 1_500);
      res.writeHead(200, {
        'content-type': 'application/json',
        'proxy-authenticate': 'Basic realm="upstream"',
        'x-upstream': 'yes',
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    });
    upstream.server.on('connection', () => upstreamConnections++);
    proxy = new GatewayProxy({ headersTimeoutMs: 300, connectTimeoutMs: 500 });
    gateway = await listen((req, res) => {
      const url = new URL(req.url!, 'http://gateway');
      const rest = url.pathname.slice(PREFIX.length);
      const target = url.searchParams.get('down') ? 'http://127.0.0.1:1/' : `${upstream.url}/api/v1`;
      void proxy.forward(req, res, new URL(target), rest, url.search);
    });
  });
  after(async () => {
    await proxy.close();
    for (const s of [upstream.server, gateway.server]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('joins the upstream path with the rest of the gateway path and the query', () => {
    assert.equal(upstreamPath(new URL('http://u/api/'), '/hello/world', '?name=Tony'), '/api/hello/world?name=Tony');
    assert.equal(upstreamPath(new URL('http://u'), '', ''), '/');
    assert.equal(upstreamPath(new URL('http://u/base?v=1'), 'x', '?a=2'), '/base/x?v=1&a=2');
  });

  it("strips the gateway prefix, sets X-Forwarded-*, drops hop-by-hop headers and the caller's token", async () => {
    // node:http, not undici: undici will not send a Connection header naming other headers.
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      httpRequest(`${gateway.url}${PREFIX}/greet?name=Tony`, {
        headers: {
          authorization: 'Bearer secret-token',
          connection: 'keep-alive, x-hop',
          'x-hop': 'should not pass',
          'proxy-authorization': 'Basic xyz',
          'x-forwarded-for': '203.0.113.9',
          'x-app': 'kept',
        },
      })
        .on('response', resolve)
        .on('error', reject)
        .end(),
    );
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-upstream'], 'yes');
    assert.equal(res.headers['proxy-authenticate'], undefined, 'hop-by-hop response header dropped');
    let text = '';
    for await (const c of res) text += c;
    const seen = JSON.parse(text) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/api/v1/greet?name=Tony');
    assert.equal(seen.headers['x-app'], 'kept');
    assert.equal(seen.headers['x-hop'], undefined);
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], new URL(gateway.url).host);
    assert.equal(seen.headers.host, new URL(upstream.url).host);
  });

  it('streams a large request body to the upstream intact', async () => {
    const hash = createHash('sha256');
    let total = 0;
    async function* body() {
      for (let i = 0; i < 80; i++) {
        const chunk = Buffer.alloc(64 * 1024, i);
        hash.update(chunk);
        total += chunk.length;
        yield chunk;
      }
    }
    const res = await request(`${gateway.url}${PREFIX}/upload`, { method: 'POST', body: Readable.from(body()) });
    const seen = (await res.body.json()) as { length: number; sha256: string };
    assert.equal(seen.length, total);
    assert.equal(seen.sha256, hash.digest('hex'));
  });

  it('streams the response: the first bytes arrive before the upstream has finished', async () => {
    const res = await request(`${gateway.url}${PREFIX}/stream`);
    const first = await new Promise<string>((resolve) => res.body.once('data', (c: Buffer) => resolve(c.toString())));
    assert.equal(first, 'first;');
    assert.ok(release, 'upstream still holds the rest');
    release!();
    let rest = '';
    for await (const c of res.body) rest += c;
    assert.equal(rest, 'last');
  });

  it('keeps upstream connections alive across calls', async () => {
    const before = upstreamConnections;
    for (let i = 0; i < 20; i++) {
      const res = await request(`${gateway.url}${PREFIX}/n${i}`);
      await res.body.dump();
    }
    assert.ok(upstreamConnections - before <= 1, `opened ${upstreamConnections - before} upstream connections for 20 calls`);
  });

  it('answers 502 with a JSON error when the upstream is down, 504 when it is too slow', async () => {
    const down = await request(`${gateway.url}${PREFIX}/x?down=1`);
    assert.equal(down.statusCode, 502);
    assert.match(String(down.headers['content-type']), /application\/json/);
    const downBody = (await down.body.json()) as { error: { code: string; message: string } };
    assert.equal(downBody.error.code, 'upstream_unavailable');
    assert.match(downBody.error.message, /refused the connection/);

    const slow = await request(`${gateway.url}${PREFIX}/slow`);
    assert.equal(slow.statusCode, 504);
    const slowBody = (await slow.body.json()) as { error: { code: string } };
    assert.equal(slowBody.error.code, 'upstream_timeout');
  });

  it('stops the upstream exchange when the caller hangs up', async () => {
    release = undefined;
    const req = httpRequest(`${gateway.url}${PREFIX}/stream`);
    const res = await new Promise<IncomingMessage>((resolve) => req.on('response', resolve).end());
    await new Promise((r) => res.once('data', r));
    const cutOff = new Promise<void>((resolve) => (upstreamCutOff = resolve));
    req.destroy();
    await cutOff; // the upstream saw its response abandoned (the test times out otherwise)
    // The gateway is still healthy afterwards.
    releaseUpstream();
    const again = await request(`${gateway.url}${PREFIX}/after`);
    assert.equal(again.statusCode, 200);
    await again.body.dump();
  });
});
