/**
 * The gateway's upstream response parser on its own: strict HTTP/1.1 framing (RFC 9112), fed Buffers split anywhere.
 * Properties with fast-check: a valid response parses the same however it is split, and the same as Node's own
 * client parses it off a real socket.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { HEAD_LIMIT, ResponseParser } from '../../../src/controlPlane/gateway/upstream/responseParser';

interface Parsed {
  status: number;
  headers: string[];
  body: Buffer;
  ended: boolean;
  error: string | undefined;
  keepAlive: boolean;
  keepAliveTimeout: number;
  extraBytes: boolean;
  /** What finish() said, when the upstream closed at the end. */
  finished?: boolean;
}

/** Feeds `bytes` in pieces cut at `cuts`; `close` ends with the upstream closing. */
function parse(bytes: Buffer | string, opts: { cuts?: number[]; head?: boolean; close?: boolean } = {}): Parsed {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const out: Parsed = {
    status: 0,
    headers: [],
    body: Buffer.alloc(0),
    ended: false,
    error: undefined,
    keepAlive: false,
    keepAliveTimeout: -1,
    extraBytes: false,
  };
  const chunks: Buffer[] = [];
  const parser: ResponseParser = new ResponseParser({
    onResponseHead(p) {
      assert.equal(out.status, 0, 'one head per response');
      out.status = p.status;
      out.headers = [...p.headers];
    },
    onResponseBody(chunk) {
      assert.ok(!out.ended);
      chunks.push(Buffer.from(chunk));
    },
    onResponseEnd(last) {
      if (last) chunks.push(Buffer.from(last));
      out.ended = true;
      out.keepAlive = parser.keepAlive;
      out.keepAliveTimeout = parser.keepAliveTimeout;
      out.extraBytes = parser.extraBytes;
    },
    onResponseError(message) {
      out.error = message;
    },
  });
  parser.expect(opts.head ?? false);
  const cuts = [...new Set(opts.cuts ?? [])].filter((c) => c > 0 && c < buf.length).sort((a, b) => a - b);
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    parser.feed(buf.subarray(at, c));
    at = c;
  }
  if (opts.close) out.finished = parser.finish();
  out.body = Buffer.concat(chunks);
  return out;
}

const ok = (head: string, body = '') => `HTTP/1.1 200 OK\r\n${head}\r\n${body}`;

function assertError(p: Parsed, pattern: RegExp): void {
  assert.ok(p.error, `expected an error matching ${pattern}, got status ${p.status}`);
  assert.match(p.error!, pattern);
  assert.ok(!p.ended, 'a malformed response never ends as if it were whole');
}

describe('upstream response parser', () => {
  it('reads a length-framed response split at every position alike', () => {
    const bytes = ok('Content-Type: text/plain\r\nContent-Length: 5\r\nKeep-Alive: timeout=7\r\n', 'hello');
    const whole = parse(bytes);
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.headers, ['Content-Type', 'text/plain', 'Content-Length', '5', 'Keep-Alive', 'timeout=7']);
    assert.equal(whole.body.toString(), 'hello');
    assert.ok(whole.ended && whole.keepAlive && !whole.extraBytes);
    assert.equal(whole.keepAliveTimeout, 7);
    for (let i = 1; i < bytes.length; i++) assert.deepEqual(parse(bytes, { cuts: [i] }), whole, `cut at ${i}`);
    assert.deepEqual(parse(bytes, { cuts: Array.from({ length: bytes.length }, (_, i) => i) }), whole, 'a byte at a time');
  });

  it('trims optional whitespace around values and keeps obs-text', () => {
    const p = parse(ok('X-A: \t spaced out \t\r\nX-B: caf\xe9\r\nX-Empty:\r\nContent-Length: 0\r\n'));
    assert.deepEqual(p.headers.slice(0, 6), ['X-A', 'spaced out', 'X-B', 'caf\xe9', 'X-Empty', '']);
  });

  it('keeps the connection per the version and Connection: 1.0 only with keep-alive, close never', () => {
    assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive, false);
    assert.equal(parse('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').keepAlive, true);
    assert.equal(parse(ok('Connection: close\r\nContent-Length: 0\r\n')).keepAlive, false);
    assert.equal(parse(ok('Connection: x-trace, Close\r\nContent-Length: 0\r\n')).keepAlive, false);
    assert.equal(parse(ok('Content-Length: 0\r\n')).keepAlive, true);
  });

  it('refuses status lines that are not HTTP/1.x with a three-digit code', () => {
    for (const line of [
      'HTTP/2 200 OK',
      'HTTP/1.2 200 OK',
      'http/1.1 200 OK',
      'HTTP/1.1 20 OK',
      'HTTP/1.1 2000 OK',
      'HTTP/1.1 200OK',
      'HTTP/1.1 099 Low',
      'HTTP/1.1 600 High',
      'this is not HTTP',
      'HTTP/1.1  200 OK',
      'HTTP/1.1 200 O\x01K',
    ]) {
      assertError(parse(`${line}\r\nContent-Length: 0\r\n\r\n`), /status|reason/);
    }
    assert.equal(parse('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').status, 200, 'the reason phrase may be absent');
  });

  it('refuses a header section over 16 KiB, however it arrives', () => {
    const big = ok(`X-Big: ${'a'.repeat(HEAD_LIMIT)}\r\nContent-Length: 0\r\n`);
    assertError(parse(big), /larger than 16 KiB/);
    assertError(parse(big, { cuts: [100, 5000, 12000, 17000] }), /larger than 16 KiB/);
    // An endless head with no end in sight is refused as soon as it passes the limit.
    const endless = parse(`HTTP/1.1 200 OK\r\n${'X: y\r\n'.repeat(4000)}`, { cuts: [1000, 9000, 17000] });
    assertError(endless, /larger than 16 KiB/);
    assert.equal(parse(ok(`X-Fits: ${'a'.repeat(HEAD_LIMIT - 200)}\r\nContent-Length: 0\r\n`)).ended, true);
  });

  it('refuses field names that are not tokens, values with CR, LF, NUL or controls, and obs-fold', () => {
    assertError(parse(ok('Bad Name: x\r\nContent-Length: 0\r\n')), /not a token/);
    assertError(parse(ok('X-A : x\r\nContent-Length: 0\r\n')), /not a token/);
    assertError(parse(ok(': x\r\nContent-Length: 0\r\n')), /not a token/);
    assertError(parse(ok('NoColon\r\nContent-Length: 0\r\n')), /not a token/);
    assertError(parse(ok('X-A: a\x00b\r\nContent-Length: 0\r\n')), /CR, LF or NUL/);
    assertError(parse(ok('X-A: a\rb\r\nContent-Length: 0\r\n')), /CR, LF or NUL/);
    assertError(parse(ok('X-A: a\nContent-Length: 0\r\n')), /CR, LF or NUL/);
    assertError(parse(ok('X-A: a\x1bb\r\nContent-Length: 0\r\n')), /control character/);
    assertError(parse(ok('X-A: a\r\n folded\r\nContent-Length: 0\r\n')), /obs-fold/);
  });

  it('skips interim 1xx answers, refuses 101', () => {
    const p = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    assert.equal(p.status, 201);
    assert.equal(p.body.toString(), 'ok');
    assert.deepEqual(p.headers, ['Content-Length', '2']);
    assertError(parse('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), /switched protocols \(101\)/);
  });

  it('reads no body for HEAD, 204 and 304, whatever the framing headers say', () => {
    const head = parse(ok('Content-Length: 10\r\n'), { head: true });
    assert.ok(head.ended && head.keepAlive);
    assert.equal(head.body.length, 0);
    for (const status of ['204 No Content', '304 Not Modified']) {
      const p = parse(`HTTP/1.1 ${status}\r\nContent-Length: 10\r\n\r\n`);
      assert.ok(p.ended && p.keepAlive && !p.extraBytes, status);
    }
    const extra = parse('HTTP/1.1 204 No Content\r\n\r\nsurprise');
    assert.ok(extra.ended && extra.extraBytes && !extra.keepAlive, 'bytes after a body-less response: not reused');
  });

  it('refuses ambiguous framing: a Transfer-Encoding other than chunked, with Content-Length, or differing lengths', () => {
    assertError(parse(ok('Transfer-Encoding: gzip, chunked\r\n')), /not "chunked"/);
    assertError(parse(ok('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n')), /not "chunked"/);
    assertError(parse(ok('Transfer-Encoding: identity\r\n')), /not "chunked"/);
    assertError(parse(ok('Transfer-Encoding: chunked\r\nContent-Length: 3\r\n', '0\r\n\r\n')), /both Transfer-Encoding and Content-Length/);
    assertError(parse(ok('Content-Length: 3\r\nContent-Length: 4\r\n', 'abcd')), /differ/);
    for (const v of ['abc', '+5', '-1', '5 5', '1,1', '', '0x10', '1234567890123456'])
      assertError(parse(ok(`Content-Length: ${v}\r\n`)), /Content-Length is not a number/);
    assertError(parse('HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), /HTTP\/1.0 response has Transfer-Encoding/);
    const same = parse(ok('Content-Length: 3\r\ncontent-length: 3\r\n', 'abc'));
    assert.equal(same.body.toString(), 'abc', 'repeated equal lengths are one length');
    assert.equal(parse(ok('transfer-encoding: CHUNKED\r\n', '1\r\na\r\n0\r\n\r\n')).body.toString(), 'a');
  });

  it('reads a body until close when there is no framing, and never reuses the connection', () => {
    const p = parse(ok('Content-Type: text/plain\r\n', 'all of it'), { close: true });
    assert.equal(p.body.toString(), 'all of it');
    assert.ok(p.ended && !p.keepAlive && p.finished);
  });

  it('says when the upstream closed early: before any byte, mid-head, mid-body', () => {
    const parser = new ResponseParser({ onResponseHead() {}, onResponseBody() {}, onResponseEnd() {}, onResponseError() {} });
    parser.expect(false);
    assert.equal(parser.finish(), false);
    assert.equal(parser.received, 0);
    assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Le', { close: true }).finished, false);
    assert.equal(parse(ok('Content-Length: 10\r\n', 'short'), { close: true }).finished, false);
    assert.equal(parse(ok('Transfer-Encoding: chunked\r\n', '5\r\nhel'), { close: true }).finished, false);
  });

  it('decodes chunked bodies: extensions ignored, trailers read and dropped, CRLF checked, sizes bounded', () => {
    const body = '5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n';
    const p = parse(ok('Transfer-Encoding: chunked\r\n', body));
    assert.equal(p.body.toString(), 'hello world');
    assert.ok(p.ended && p.keepAlive && !p.extraBytes);
    assert.deepEqual(p.headers, ['Transfer-Encoding', 'chunked'], 'trailers never join the headers');
    const te = 'Transfer-Encoding: chunked\r\n';
    assertError(parse(ok(te, 'g\r\nx\r\n0\r\n\r\n')), /not hexadecimal/);
    assertError(parse(ok(te, '\r\n')), /not hexadecimal/);
    assertError(parse(ok(te, '5 x\r\nhello\r\n0\r\n\r\n')), /other than an extension/);
    assertError(parse(ok(te, '5\nhello\r\n0\r\n\r\n')), /CRLF/);
    assertError(parse(ok(te, '5\r\nhelloX\r\n0\r\n\r\n')), /not followed by CRLF/);
    assertError(parse(ok(te, '5\r\nhello\r\r0\r\n\r\n')), /not followed by CRLF/);
    assertError(parse(ok(te, 'fffffffffffffff\r\n')), /too large/);
    assertError(parse(ok(te, `1;${'e'.repeat(5000)}\r\na\r\n0\r\n\r\n`)), /too long/);
    assertError(parse(ok(te, '1;a\x00\r\na\r\n0\r\n\r\n')), /control character/);
    assertError(parse(ok(te, `0\r\n${'X-T: v\r\n'.repeat(3000)}\r\n`)), /trailer section is larger/);
    assertError(parse(ok(te, '0\r\nBad Trailer: v\r\n\r\n')), /trailer field name/);
    assertError(parse(ok(te, '0\r\nX: v\x00\r\n\r\n')), /trailer field value/);
    assertError(parse(ok(te, '0\r\nX: v\r\r\n')), /trailer line/);
  });

  it('marks bytes after the response as extra (not reused), and refuses bytes when none are expected', () => {
    const smuggled = parse(ok('Content-Length: 2\r\n', 'okHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(smuggled.body.toString(), 'ok');
    assert.ok(smuggled.ended && smuggled.extraBytes && !smuggled.keepAlive);
    const chunkedExtra = parse(ok('Transfer-Encoding: chunked\r\n', '0\r\n\r\nX'));
    assert.ok(chunkedExtra.ended && chunkedExtra.extraBytes && !chunkedExtra.keepAlive);
    let error = '';
    const parser = new ResponseParser({ onResponseHead() {}, onResponseBody() {}, onResponseEnd() {}, onResponseError: (m) => (error = m) });
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'));
    assert.match(error, /no response was expected/);
  });

  it('reuses one parser for response after response', () => {
    const seen: string[] = [];
    const parser: ResponseParser = new ResponseParser({
      onResponseHead: (p) => seen.push(`head ${p.status}`),
      onResponseBody: (c) => seen.push(`body ${c.toString()}`),
      onResponseEnd: (last) => seen.push(`end ${last?.toString() ?? ''}`),
      onResponseError: (m) => seen.push(`error ${m}`),
    });
    for (const [status, body] of [
      [200, 'a'],
      [404, 'bb'],
      [500, 'ccc'],
    ] as const) {
      parser.expect(false);
      parser.feed(Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    }
    assert.deepEqual(seen, ['head 200', 'end a', 'head 404', 'end bb', 'head 500', 'end ccc']);
  });

  // ---- Properties ----

  const tokenChar = fc.constantFrom(..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split(''));
  const name = fc
    .string({ unit: tokenChar, minLength: 1, maxLength: 20 })
    .filter((n) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer'].includes(n.toLowerCase()));
  // Visible ASCII and inner spaces; no leading or trailing whitespace, which both parsers trim.
  const value = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((v) => v.trim());
  const response = fc.record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    headers: fc.array(fc.tuple(name, value), { maxLength: 12 }),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    body: fc.uint8Array({ maxLength: 3000 }),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
  });
  type Response = typeof response extends fc.Arbitrary<infer T> ? T : never;

  function encode(r: Response): Buffer {
    let head = `HTTP/1.1 ${r.status} Reason\r\n`;
    for (const [n, v] of r.headers) head += `${n}: ${v}\r\n`;
    const body = Buffer.from(r.body);
    if (r.framing === 'length') return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
    if (r.framing === 'close') return Buffer.concat([Buffer.from(`${head}Connection: close\r\n\r\n`, 'latin1'), body]);
    const parts = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`, 'latin1')];
    let at = 0;
    for (let i = 0; at < body.length; i++) {
      const size = Math.min(r.chunkSizes[i % r.chunkSizes.length], body.length - at);
      parts.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
      at += size;
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  }

  function framingHeader(r: Response): [string, string] {
    return r.framing === 'length'
      ? ['Content-Length', String(r.body.length)]
      : r.framing === 'close'
        ? ['Connection', 'close']
        : ['Transfer-Encoding', 'chunked'];
  }

  it('property: a valid response split at random points parses to the same status, headers and body as unsplit', () => {
    fc.assert(
      fc.property(response, fc.array(fc.nat(), { maxLength: 12 }), (r, cutSeeds) => {
        const bytes = encode(r);
        const close = r.framing === 'close';
        const whole = parse(bytes, { close });
        assert.equal(whole.error, undefined);
        assert.equal(whole.status, r.status);
        assert.deepEqual(whole.headers, [...r.headers.flat(), ...framingHeader(r)]);
        assert.deepEqual(whole.body, Buffer.from(r.body));
        assert.ok(whole.ended);
        const split = parse(bytes, { cuts: cutSeeds.map((s) => s % bytes.length), close });
        assert.deepEqual(split, whole);
      }),
      { numRuns: 300 },
    );
  });

  it("property: parses the same as Node's own HTTP client reading the same bytes off a socket", async function () {
    this.timeout(60_000);
    let next: Buffer = Buffer.alloc(0);
    const server = net.createServer((socket) => {
      const bytes = next;
      socket.once('data', () => socket.end(bytes)); // answer the request, then close
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await fc.assert(
        fc.asyncProperty(response, async (r) => {
          next = encode(r);
          const node = await new Promise<{ status: number; headers: string[]; body: Buffer }>((resolve, reject) => {
            httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ status: res.statusCode!, headers: res.rawHeaders, body: Buffer.concat(chunks) }));
              res.on('error', reject);
            })
              .on('error', reject)
              .end();
          });
          const ours = parse(next, { close: r.framing === 'close' });
          assert.equal(ours.error, undefined);
          assert.equal(ours.status, node.status);
          assert.deepEqual(ours.headers, node.headers);
          assert.deepEqual(ours.body, node.body);
        }),
        { numRuns: 60 },
      );
    } finally {
      server.close();
    }
  });
});
