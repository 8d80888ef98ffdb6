/**
 * The client's address (src/controlPlane/http/clientAddress.ts) for requests a real loopback server receives from
 * a chosen loopback address with chosen X-Forwarded-For lines: the cases nginx alone does not produce (two proxies,
 * malformed entries, IPv6, repeated header lines, a dual-stack listener).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientAddressBehind, parseTrustedProxies } from '../../src/controlPlane/http/clientAddress';

/** A server on `host` that answers each request with the address the rule gives it. */
async function server(spec: string | undefined, host = '127.0.0.1') {
  const address = clientAddressBehind(spec === undefined ? undefined : parseTrustedProxies(spec));
  const s = http.createServer((req, res) => res.end(address(req)));
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  const { port } = s.address() as AddressInfo;
  const ask = (forwardedFor: string | string[] | undefined, from = '127.0.0.1') =>
    new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, localAddress: from, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
    });
  return { ask, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

describe('the client address behind trusted proxies', () => {
  let s: Awaited<ReturnType<typeof server>>;
  before(async () => {
    s = await server('127.0.0.1, 10.0.0.0/8,fd00::/8');
  });
  after(() => s.close());

  it('is the right-most entry that is not a trusted proxy (two proxies in a row)', async () => {
    assert.equal(await s.ask('6.6.6.6, 203.0.113.5, 10.1.2.3'), '203.0.113.5');
    assert.equal(await s.ask('203.0.113.5, fd00::7'), '203.0.113.5');
  });

  it('reads repeated X-Forwarded-For lines as one list, in order', async () => {
    assert.equal(await s.ask(['6.6.6.6', '203.0.113.9']), '203.0.113.9');
  });

  it('takes IPv6 entries, bracketed or not', async () => {
    assert.equal(await s.ask('[2001:db8::1]'), '2001:db8::1');
    assert.equal(await s.ask('2001:db8::2'), '2001:db8::2');
  });

  it('is the peer when the entry that would name the client is malformed; a malformed entry further left is not read', async () => {
    assert.equal(await s.ask('203.0.113.5, unknown'), '127.0.0.1');
    assert.equal(await s.ask('203.0.113.5:4711'), '127.0.0.1');
    assert.equal(await s.ask('garbage, 203.0.113.5'), '203.0.113.5');
  });

  it('is the farthest hop when every entry is a trusted proxy, and the peer without the header', async () => {
    assert.equal(await s.ask('10.0.0.1, 10.0.0.2'), '10.0.0.1');
    assert.equal(await s.ask(undefined), '127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy, and from every peer without the flag', async () => {
    assert.equal(await s.ask('203.0.113.5', '127.0.0.2'), '127.0.0.2');
    const plain = await server(undefined);
    try {
      assert.equal(await plain.ask('203.0.113.5'), '127.0.0.1');
    } finally {
      await plain.close();
    }
  });

  it('knows an IPv4 proxy on a dual-stack listener (the peer is ::ffff:127.0.0.1 there)', async function () {
    const dual = await server('127.0.0.1', '::').catch(() => undefined);
    if (!dual) return this.skip();
    try {
      assert.equal(await dual.ask('203.0.113.5'), '203.0.113.5');
    } finally {
      await dual.close();
    }
  });

  it('parses addresses and CIDR ranges of both families, and names a bad entry', () => {
    const list = parseTrustedProxies('127.0.0.1,10.0.0.0/8, ::1 ,fd00::/8');
    assert.ok(list.check('10.200.0.1', 'ipv4') && list.check('::1', 'ipv6') && list.check('fd12::1', 'ipv6'));
    assert.ok(!list.check('127.0.0.2', 'ipv4') && !list.check('11.0.0.1', 'ipv4'));
    assert.throws(() => parseTrustedProxies('10.0.0.0/8x'), /"10\.0\.0\.0\/8x" is not an IP address or a CIDR range/);
    assert.throws(() => parseTrustedProxies(''), /"" is not an IP address/);
  });
});
