import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoverProvider, DiscoveryError, wellKnownAndIssuer } from '../../../src/controlPlane/externalIdp/discovery';
import { startOidcProvider, type RunningProvider } from './oidcProvider';

/** A loopback server answering with `handler`; returns its base URL. */
async function serve(handler: RequestListener): Promise<{ base: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function refusal(promise: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DiscoveryError, `expected a DiscoveryError, got ${String(err)}`);
    assert.equal(err.code, 'discovery_failed');
    return err;
  }
  assert.fail('discovery should have been refused');
}

describe('external identity provider discovery', function () {
  this.timeout(10_000);
  let idp: RunningProvider;
  const servers: Server[] = [];
  before(async () => {
    idp = await startOidcProvider();
  });
  after(async () => {
    await idp.close();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });
  async function fake(handler: RequestListener) {
    const s = await serve(handler);
    servers.push(s.server);
    return s.base;
  }
  const doc = (issuer: string, extra: object = {}) => JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, ...extra });

  it('keeps issuer, token endpoint and JWKS URL of a real provider', async () => {
    const found = await discoverProvider(idp.wellKnownUrl);
    assert.equal(found.issuer, idp.issuer);
    assert.equal(found.tokenEndpoint, `${idp.issuer}/token`);
    assert.match(found.jwksUri, /^http:\/\/127\.0\.0\.1:\d+\/jwks$/);
    assert.equal(found.wellKnownUrl, idp.wellKnownUrl);
  });

  it('accepts the bare issuer URL and appends the well-known path', async () => {
    const found = await discoverProvider(`${idp.issuer}/`);
    assert.equal(found.issuer, idp.issuer);
    assert.equal(found.wellKnownUrl, idp.wellKnownUrl);
  });

  it('derives the issuer from both OIDC and RFC 8414 well-known forms', () => {
    assert.equal(wellKnownAndIssuer('https://id.example.com/t/stark/.well-known/openid-configuration').expectedIssuer, 'https://id.example.com/t/stark');
    assert.equal(wellKnownAndIssuer('https://id.example.com/.well-known/oauth-authorization-server/t/stark').expectedIssuer, 'https://id.example.com/t/stark');
  });

  it('refuses plain http to a remote host before connecting', async () => {
    const err = await refusal(discoverProvider('http://id.example.com/.well-known/openid-configuration'));
    assert.match(err.message, /https/);
    assert.match(err.message, /id\.example\.com/);
  });

  it('refuses a document whose issuer does not match the URL', async () => {
    const base = await fake((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(doc('https://evil.example.com'));
    });
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /evil\.example\.com/);
    assert.match(err.message, /must match|requires them to match/);
  });

  it('refuses a document that lacks jwks_uri, naming the field', async () => {
    const base = await fake((_req, res) =>
      res.end(JSON.stringify({ issuer: `http://${_req.headers.host}`, token_endpoint: `http://${_req.headers.host}/token` })),
    );
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /jwks_uri/);
  });

  it('refuses a remote http JWKS URL inside a loopback document', async () => {
    const base = await fake((req, res) => res.end(doc(`http://${req.headers.host}`, { jwks_uri: 'http://keys.example.com/jwks' })));
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /JWKS URL/);
  });

  it('refuses an oversized document declared by Content-Length', async () => {
    const base = await fake((req, res) => {
      const big = doc(`http://${req.headers.host}`, { padding: 'x'.repeat(300 * 1024) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
      res.end(big);
    });
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /larger than 256 KiB/);
  });

  it('refuses an oversized chunked document while it streams, without reading it all', async () => {
    let sent = 0;
    let stopped = false;
    const base = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (stopped = true));
      pump();
    });
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /larger than 256 KiB/);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(stopped, 'the connection was cut');
    assert.ok(sent < 16 * 1024 * 1024, `stopped reading early (server wrote ${sent} bytes)`);
  });

  it('refuses a document that trickles in slower than the time limit', async () => {
    const base = await fake((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = doc(`http://${req.headers.host}`);
      let i = 0;
      const timer = setInterval(() => {
        if (i >= body.length) return void (clearInterval(timer), res.end());
        res.write(body[i++]);
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`, { totalTimeoutMs: 400 }));
    assert.ok(Date.now() - started < 2_000, 'gave up near the limit');
    assert.match(err.message, /No usable answer came from/);
  });

  it('refuses a server that never answers', async () => {
    const base = await fake(() => undefined);
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`, { headersTimeoutMs: 300, totalTimeoutMs: 1_000 }));
    assert.match(err.message, /No usable answer came from/);
  });

  it('follows a redirect on the same host, refuses one to another host', async () => {
    const base = await fake((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(301, { location: '/v2/openid-configuration.json' });
        return void res.end();
      }
      if (req.url === '/away/.well-known/openid-configuration') {
        // 127.0.0.1 and localhost are different hosts to the check, though the same machine.
        res.writeHead(302, { location: `http://localhost:${req.socket.localPort}/.well-known/openid-configuration` });
        return void res.end();
      }
      res.end(doc(`http://${req.headers.host}`));
    });
    const followed = await discoverProvider(`${base}/.well-known/openid-configuration`);
    assert.equal(followed.issuer, base);
    const away = await refusal(discoverProvider(`${base}/away/.well-known/openid-configuration`));
    assert.match(away.message, /another host \(localhost:\d+\)/);
  });

  it('stops after a few redirects', async () => {
    const base = await fake((req, res) => {
      res.writeHead(302, { location: `${req.url}x` });
      res.end();
    });
    const err = await refusal(discoverProvider(`${base}/.well-known/openid-configuration`));
    assert.match(err.message, /redirected more than 3 times/);
  });

  it('says what to check when nothing listens or the page is missing', async () => {
    const missing = await fake((_req, res) => {
      res.statusCode = 404;
      res.end('not here');
    });
    assert.match((await refusal(discoverProvider(`${missing}/.well-known/openid-configuration`))).message, /HTTP 404/);
    const closed = await serve(() => undefined);
    await new Promise((r) => closed.server.close(r));
    assert.match((await refusal(discoverProvider(`${closed.base}/.well-known/openid-configuration`))).message, /No usable answer came from/);
  });
});
