// The server's one rule for what it fetches (issue 14, row 8) and the gateway's path normalisation (row 2), as
// functions; the attack tests check both through the control plane process.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { normaliseRestPath, RequestPathRefused } from '../../src/controlPlane/gateway/requestPath';
import { checkOutboundUrl, isNonPublicAddress, nonPublicRule, OutboundRefused, outboundDispatcher, resolvePublic } from '../../src/controlPlane/http/outbound';

describe('outbound address rule', () => {
  it('tells public addresses from loopback, link-local, private and other non-public ones', () => {
    for (const a of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '[::1]',
      'not-an-ip',
      '::ffff:7f00:1',
      '::7f00:1',
      '[fd00:ec2::254]',
      '::ffff:1.1.1.1',
    ]) {
      assert.equal(isNonPublicAddress(a), true, a);
    }
    for (const a of ['1.1.1.1', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '203.0.113.10']) assert.equal(isNonPublicAddress(a), false, a);
    // Refusals name the rule (issue 22); an IPv4-mapped address is refused whatever IPv4 address it holds.
    for (const [a, rule] of [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['0.0.0.0', 'unspecified ("this network")'],
      ['169.254.169.254', 'link-local (cloud metadata services live here)'],
      ['10.0.0.1', 'private'],
      ['fd00:ec2::254', 'unique-local'],
      ['::ffff:7f00:1', 'IPv4-mapped'],
      ['::ffff:1.1.1.1', 'IPv4-mapped'],
    ]) {
      assert.equal(nonPublicRule(a), rule, a);
    }
  });

  it("judges a name by the address it resolves to (this machine's name resolves to loopback)", async () => {
    await assert.rejects(resolvePublic('localhost'), OutboundRefused);
    await assert.rejects(resolvePublic('vm'), /leads to 127\.0\.0\.1/);
    await assert.rejects(resolvePublic('169.254.169.254'), OutboundRefused);
  });

  it('applies to the URLs a discovery document names (jwks_uri, token_endpoint) as to the document itself', async () => {
    for (const url of ['http://127.0.0.1:7480/api/v1/orgs', 'https://169.254.169.254/latest/meta-data/', 'https://[fd00::1]/jwks', 'https://vm/jwks']) {
      await assert.rejects(checkOutboundUrl(new URL(url), { publicOnly: true }), OutboundRefused, url);
      await checkOutboundUrl(new URL(url), { publicOnly: false }); // a local control plane: no rule
    }
  });

  it('refuses before connecting, and connects to the very address it checked', async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      await assert.rejects(request(`http://localhost:${port}/`, { dispatcher: outboundDispatcher({ publicOnly: true }, 1_000) }), (err: Error) => {
        assert.ok(err instanceof OutboundRefused || (err as { cause?: unknown }).cause instanceof OutboundRefused, String(err));
        return true;
      });
      assert.equal(connections, 0, 'no connection was made');
      const open = await request(`http://localhost:${port}/`, { dispatcher: outboundDispatcher({ publicOnly: false }, 1_000) });
      assert.equal(open.statusCode, 200);
      await open.body.text();
    } finally {
      server.close();
    }
  });
});

describe('gateway path normalisation', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['/', '/'],
    ['/greeting', '/greeting'],
    ['/a/./b', '/a/b'],
    ['/a/b/../c', '/a/c'],
    ['/a/%2e%2E/c', '/c'],
    ['/a/.%2e/', '/'],
    ['/a/..', '/'],
    ['/a//b///c', '/a/b/c'],
    ['/a/...', '/a/...'],
    ['/a/.b/c.', '/a/.b/c.'],
    ['/%41%42', '/%41%42'],
    ['/a/%252e%252e', '/a/%252e%252e'],
  ];
  for (const [rest, expected] of cases) it(`${JSON.stringify(rest)} → ${JSON.stringify(expected)}`, () => assert.equal(normaliseRestPath(rest), expected));
  for (const rest of ['/..', '/../x', '/a/../../x', '/%2e%2e', '/a/%2F../b', '/..%2fx', '/%5c', '/a\\b', '/%00', '/..;/x', '/.;x', '/a#b']) {
    it(`refuses ${JSON.stringify(rest)}`, () => assert.throws(() => normaliseRestPath(rest), RequestPathRefused));
  }
});
