/**
 * Generated gateway request heads (issue 14): random methods, paths under the endpoint in many spellings (dot
 * segments plain and encoded, encoded slashes and backslashes, NUL, parameters, doubled slashes), queries, and
 * framing headers (Content-Length, chunked, both, duplicated, named in Connection, other transfer codings), each with
 * a body that may hold a request of its own. Sent over a raw socket with a valid token; for every one, what reaches
 * the recording upstream is exactly one request whose path stays under the endpoint's base with its body intact, or
 * nothing at all and the caller gets a 4xx.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { rawExchange, RecordingUpstream, seedOrg, type OrgWorld } from './helpers/raw';
import { printFigures } from './helpers/world';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUNS = Number(process.env.GATEWAY_HEAD_RUNS ?? 500);

const SEGMENTS = [
  'a',
  'b.c',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '..;',
  '..;x',
  '.;',
  '%2f',
  '%2F..',
  '..%2f',
  '..%2F..',
  '%5c',
  '\\',
  '..\\..',
  '%00',
  '..%00',
  '%25',
  '%252e%252e',
  'x%20y',
  '~u',
  ';p=1',
  '...',
  '.a',
  'a.',
  '%41',
];
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: internal\r\n\r\n';

type Framing =
  'none' | 'length' | 'chunked' | 'length-in-connection' | 'te-in-connection' | 'gzip-chunked' | 'length-twice' | 'length-and-chunked' | 'length-zero-padded';

const headArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  segments: fc.array(fc.oneof({ arbitrary: fc.constantFrom(...SEGMENTS), weight: 1 }, { arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/), weight: 4 }), {
    maxLength: 5,
  }),
  doubleSlashAt: fc.option(fc.nat(6), { nil: undefined }),
  trailingSlash: fc.boolean(),
  query: fc.option(fc.constantFrom('?q=1', '?a=../../x', '?%2e%2e', '?x=%2f'), { nil: undefined }),
  framing: fc.oneof(
    { arbitrary: fc.constantFrom<Framing>('none', 'length', 'chunked', 'length-zero-padded'), weight: 3 },
    { arbitrary: fc.constantFrom<Framing>('length-in-connection', 'te-in-connection', 'gzip-chunked', 'length-twice', 'length-and-chunked'), weight: 1 },
  ),
  body: fc.oneof(
    fc.constant(SMUGGLED),
    fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')),
    fc.constant(`x${SMUGGLED}`),
  ),
  forwarded: fc.boolean(),
});
type Head = typeof headArb extends fc.Arbitrary<infer T> ? T : never;

function requestBytes(h: Head, w: OrgWorld, hostHeader: string): { bytes: string; rest: string; sentBody: string | undefined } {
  const segments = [...h.segments];
  let rest = segments.length ? `/${segments.join('/')}` : '';
  if (h.doubleSlashAt !== undefined && segments.length) rest = rest.replace(/\//g, (m, i) => (i === h.doubleSlashAt ? '//' : m));
  if (h.trailingSlash) rest += '/';
  const target = `${w.gw}${rest}${h.query ?? ''}`;
  const headers: Array<[string, string]> = [
    ['Host', hostHeader],
    ['Authorization', `Bearer ${w.token}`],
  ];
  if (h.forwarded) headers.push(['Forwarded', 'for=10.0.0.1'], ['X-Real-IP', '10.0.0.1']);
  const body = h.body;
  const len = String(Buffer.byteLength(body));
  const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  let payload = '';
  let sentBody: string | undefined = body;
  switch (h.framing) {
    case 'none':
      sentBody = undefined;
      break;
    case 'length':
      headers.push(['Content-Length', len]);
      payload = body;
      break;
    case 'length-zero-padded':
      headers.push(['Content-Length', `00${len}`]);
      payload = body;
      break;
    case 'chunked':
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = chunked;
      break;
    case 'length-in-connection':
      headers.push(['Connection', 'keep-alive, content-length'], ['Content-Length', len]);
      payload = body;
      break;
    case 'te-in-connection':
      headers.push(['Connection', 'transfer-encoding'], ['Transfer-Encoding', 'chunked']);
      payload = chunked;
      break;
    case 'gzip-chunked':
      headers.push(['Transfer-Encoding', 'gzip, chunked']);
      payload = chunked;
      break;
    case 'length-twice':
      headers.push(['Content-Length', len], ['Content-Length', len]);
      payload = body;
      break;
    case 'length-and-chunked':
      headers.push(['Content-Length', len], ['Transfer-Encoding', 'chunked']);
      payload = chunked;
      break;
  }
  headers.push(['Connection', 'close']);
  return { bytes: `${h.method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${payload}`, rest, sentBody };
}

describe('generated gateway request heads (fast-check, raw sockets, a recording upstream)', function () {
  this.timeout(180_000);
  let cp: ControlPlane;
  let upstream: RecordingUpstream;
  let w: OrgWorld;
  const tally = { cases: 0, forwarded: 0, refused4xx: 0 };
  const statuses = new Map<number, number>();

  before(async () => {
    upstream = await RecordingUpstream.start();
    cp = await ControlPlane.start(tempDir('rel-heads-'));
    w = await seedOrg(cp, 'Org A', 'svc-a', upstream.url);
  });
  after(async () => {
    await cp?.stop();
    await upstream?.close();
    printFigures('generated gateway request heads', {
      'cases run': tally.cases,
      'forwarded (one request upstream)': tally.forwarded,
      'refused with a 4xx (nothing upstream)': tally.refused4xx,
      'answers by status': [...statuses]
        .sort()
        .map(([s, n]) => `${s}: ${n}`)
        .join(', '),
    });
  });

  it(`each head reaches the upstream as exactly one request under the endpoint's base, or gets a 4xx (${RUNS} runs)`, async () => {
    const host = new URL(cp.url).host;
    await fc.assert(
      fc.asyncProperty(headArb, async (h) => {
        tally.cases++;
        const { bytes, sentBody } = requestBytes(h, w, host);
        const from = upstream.requests.length;
        const answer = await rawExchange(cp.url, bytes, { headRequest: h.method === 'HEAD' });
        await sleep(25);
        const log = upstream.requests.slice(from);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const what = `${JSON.stringify(bytes.slice(0, 300))} → ${answer.status} ${answer.body.slice(0, 200)}; upstream: ${log.map((r) => r.line).join(' | ')}`;
        assert.ok(log.length <= 1, `more than one request upstream: ${what}`);
        if (log.length === 0) {
          assert.ok(answer.status >= 400 && answer.status < 500, `nothing forwarded, yet no 4xx: ${what}`);
          tally.refused4xx++;
          return;
        }
        tally.forwarded++;
        const r = log[0];
        assert.equal(answer.status, 200, what);
        assert.equal(r.method, h.method, what);
        const path = r.path.split('?')[0];
        assert.ok(path === w.base || path.startsWith(`${w.base}/`), `left the base path: ${what}`);
        const decoded = path.replace(/%2e/gi, '.');
        assert.ok(!/(^|\/)\.{1,2}(\/|;|$)/.test(decoded), `a dot segment reached the upstream: ${what}`);
        assert.ok(!path.includes('//') && !/%2f|%5c|%00|\\/i.test(path), `a separator in disguise reached the upstream: ${what}`);
        assert.ok(!r.headers.some(([n]) => /^(forwarded|x-real-ip)$/i.test(n)), `a forwarding header of the caller's: ${what}`);
        if (sentBody !== undefined) assert.equal(r.body, sentBody, `the body arrived changed: ${what}`);
      }),
      { numRuns: RUNS },
    );
  });
});
