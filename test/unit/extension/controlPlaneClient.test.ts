// The control-plane client's transport, against real HTTP servers on loopback: connections kept alive, time-outs,
// refused connections, error answers and answers of the wrong shape, each with its stable code.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { ControlPlaneError } from '../../../src/client/errors';

/** A loopback server answering with `handler`, counting the TCP connections it accepted. */
async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get connections() {
      return connections;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function failure(p: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ControlPlaneError, `a ControlPlaneError, not ${String(e)}`);
    return e;
  }
  assert.fail('the call succeeded');
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('control-plane client transport (the runtime fetch)', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('keeps one connection alive across calls and sends the Bearer token', async () => {
    const seen: Array<string | undefined> = [];
    const s = await serve((req, res) => {
      seen.push(req.headers.authorization);
      json(res, 200, { status: 'ok' });
    });
    servers.push(s);
    const client = new ControlPlaneClient({ baseUrl: `${s.url}/`, token: async () => 'tok-1' });
    // undici hands a connection back to its pool a tick after the body ends, so calls are spaced by a few ms.
    const pause = () => new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await client.health(), { status: 'ok' });
      await pause();
    }
    await client.call('GET', '/anything', z.unknown(), {});
    assert.equal(s.connections, 1, 'six sequential calls share one kept-alive connection');
    assert.deepEqual(seen, [undefined, undefined, undefined, undefined, undefined, 'Bearer tok-1'], 'health is unauthenticated, the rest carry the token');
  });

  it('times out a control plane that never answers, with code timeout', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    servers.push(s);
    const client = new ControlPlaneClient({ baseUrl: s.url, token: async () => undefined, timeoutMs: 300 });
    const started = performance.now();
    const e = await failure(client.health());
    assert.equal(e.code, 'timeout');
    assert.equal(e.retryable, true);
    assert.ok(performance.now() - started < 3_000, 'gave up near its time-out');
  });

  it('times out an answer whose body stalls, with code timeout', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"status":');
    });
    servers.push(s);
    const client = new ControlPlaneClient({ baseUrl: s.url, token: async () => undefined, timeoutMs: 300 });
    assert.equal((await failure(client.health())).code, 'timeout');
  });

  it('reports a refused connection as unreachable, and tries once more when recover() says it is back', async () => {
    const s = await serve((_req, res) => json(res, 200, { status: 'ok' }));
    const deadUrl = s.url;
    await s.close();
    const dead = new ControlPlaneClient({ baseUrl: deadUrl, token: async () => undefined });
    const e = await failure(dead.health());
    assert.equal(e.code, 'unreachable');
    assert.match(e.message, /ECONNREFUSED/);

    // recover() "restarts" the control plane on the same port; the call then succeeds.
    const port = Number(new URL(deadUrl).port);
    let recovered = 0;
    const client = new ControlPlaneClient({
      baseUrl: deadUrl,
      token: async () => undefined,
      recover: async () => {
        recovered++;
        const server = http.createServer((_req, res) => json(res, 200, { status: 'ok' }));
        await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
        servers.push({ close: () => (server.closeAllConnections(), new Promise<void>((r) => server.close(() => r()))) });
        return true;
      },
    });
    assert.deepEqual(await client.health(), { status: 'ok' });
    assert.equal(recovered, 1);
  });

  it("turns the API's error body into its stable code, message and fields", async () => {
    const s = await serve((_req, res) =>
      json(res, 409, { error: { code: 'conflict', message: 'An organization with handle "acme" exists.', fields: [{ path: 'handle', message: 'taken' }] } }),
    );
    servers.push(s);
    const client = new ControlPlaneClient({ baseUrl: s.url, token: async () => 't' });
    const e = await failure(client.createOrganization({ name: 'Acme' }));
    assert.equal(e.code, 'conflict');
    assert.equal(e.status, 409);
    assert.equal(e.describe(), 'An organization with handle "acme" exists. taken');
  });

  it('describes a refusal once, without internal field names (the form walk read "Choose another unique name. name: …")', () => {
    const taken = 'Project "default" already has a component named "greeting-service". Choose another unique name.';
    assert.equal(new ControlPlaneError('name_taken', taken, 409, [{ path: 'name', message: taken }]).describe(), taken);
    const nothing = 'Nothing answers at http://127.0.0.1:9/.well-known/openid-configuration. Check the host and port.';
    assert.equal(new ControlPlaneError('discovery_failed', nothing, 400, [{ path: 'wellKnownUrl', message: nothing }]).describe(), nothing);
    const two = new ControlPlaneError('validation_failed', 'Check the fields.', 400, [
      { path: 'body.displayName', message: 'Enter a display name.' },
      { path: 'body.name', message: 'Use lower-case letters.' },
    ]);
    assert.equal(two.describe(), 'Check the fields. Enter a display name. Use lower-case letters.');
  });

  it('refuses an answer of the wrong shape as bad_response, and does not follow redirects', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/healthz') return json(res, 200, { status: 'sleepy' });
      res.writeHead(302, { location: '/healthz' });
      res.end();
    });
    servers.push(s);
    const client = new ControlPlaneClient({ baseUrl: s.url, token: async () => 't' });
    const shape = await failure(client.health());
    assert.equal(shape.code, 'bad_response');
    assert.match(shape.message, /status/);
    const redirected = await failure(client.getOrganization('acme'));
    assert.equal(redirected.code, 'bad_response', 'a 302 is not followed to a body of another shape');
    assert.equal(redirected.status, 302);
  });
});
