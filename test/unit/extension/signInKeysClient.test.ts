// The client's methods for key settings and test users (issue 24) against a real loopback HTTP server that records
// what it gets: each method's verb, path and body as src/api/routes.ts and the contract say; answers checked with the
// contract's schemas (a wrong shape is `bad_response`, a password in an answer never reaches the caller); a refused
// import keeps the lines the server named; the trace names calls, never bodies.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_KEY_SETTINGS } from '../../../src/api';
import { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { ControlPlaneError } from '../../../src/client/errors';

interface Seen {
  method: string;
  url: string;
  body: unknown;
}

const NOW = '2026-12-06T18:00:00.000Z';
const user = { username: 'demouser', environment: 'development', groups: ['manager'], createdAt: NOW, updatedAt: NOW };
const auth = {
  componentId: 'c1',
  environment: 'development',
  identityProviderId: 'built-in',
  identityProviderKind: 'built-in',
  identityProviderName: 'Choreo built-in',
  clientId: 'abc',
  hasSecret: true,
  tokenUrl: 'http://127.0.0.1/oauth2/acme/token',
  createdAt: NOW,
  updatedAt: NOW,
};

describe('control-plane client: key settings and test users', () => {
  let server: http.Server;
  let client: ControlPlaneClient;
  const seen: Seen[] = [];
  const trace: string[] = [];
  /** What the next request gets: status and body. */
  let answer: { status: number; body?: unknown } = { status: 200 };

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method!, url: req.url!, body: text ? JSON.parse(text) : undefined });
        res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new ControlPlaneClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: async () => 't',
      trace: (l) => trace.push(l),
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends each request as the contract says', async () => {
    const settings = { ...DEFAULT_KEY_SETTINGS, grantTypes: ['authorization_code' as const], callbackUrls: ['https://app.example.com/cb'] };
    answer = { status: 200, body: { ...auth, keySettings: settings } };
    const saved = await client.updateKeySettings('acme', 'default', 'web app', 'development', settings);
    assert.deepEqual(saved.keySettings, settings);
    answer = { status: 200, body: { items: [user] } };
    assert.deepEqual(await client.listTestUsers('acme', 'development'), [user]);
    answer = { status: 201, body: user };
    await client.addTestUser('acme', 'development', { username: 'demouser', password: 'password1', groups: ['manager'] });
    answer = { status: 201, body: { imported: 1, items: [user] } };
    assert.deepEqual((await client.importTestUsers('acme', 'development', 'username,password\n')).items, [user]);
    answer = { status: 204 };
    await client.resetTestUserPassword('acme', 'development', 'demo/user', 'password2');
    await client.deleteTestUser('acme', 'development', 'demo/user');
    assert.deepEqual(
      seen.map((s) => [s.method, s.url, s.body]),
      [
        ['PUT', '/api/v1/orgs/acme/projects/default/components/web%20app/auth/development/key-settings', settings],
        ['GET', '/api/v1/orgs/acme/environments/development/users', undefined],
        ['POST', '/api/v1/orgs/acme/environments/development/users', { username: 'demouser', password: 'password1', groups: ['manager'] }],
        ['POST', '/api/v1/orgs/acme/environments/development/users/import', { csv: 'username,password\n' }],
        ['POST', '/api/v1/orgs/acme/environments/development/users/demo%2Fuser/reset-password', { password: 'password2' }],
        ['DELETE', '/api/v1/orgs/acme/environments/development/users/demo%2Fuser', undefined],
      ],
    );
    assert.ok(!trace.join('\n').match(/password1|password2/), 'the trace names calls, never bodies');
  });

  it('checks answers with the contract: a wrong shape is bad_response, a password in an answer is dropped', async () => {
    answer = { status: 200, body: { items: [{ username: 'x' }] } };
    await assert.rejects(client.listTestUsers('acme', 'development'), (e: ControlPlaneError) => e.code === 'bad_response');
    answer = { status: 200, body: { ...auth, keySettings: { ...DEFAULT_KEY_SETTINGS, grantTypes: ['password'] } } };
    await assert.rejects(
      client.updateKeySettings('acme', 'default', 'app', 'development', DEFAULT_KEY_SETTINGS),
      (e: ControlPlaneError) => e.code === 'bad_response',
    );
    answer = { status: 201, body: { ...user, password: 'leaked-password' } };
    const added = await client.addTestUser('acme', 'development', { username: 'demouser', password: 'password1' });
    assert.ok(!JSON.stringify(added).includes('leaked-password'));
    answer = { status: 200, body: auth };
    assert.equal(
      (await client.updateKeySettings('acme', 'default', 'app', 'development', DEFAULT_KEY_SETTINGS)).keySettings,
      undefined,
      'an old server sends no settings: accepted',
    );
  });

  it('keeps the lines a refused import names', async () => {
    answer = {
      status: 400,
      body: { error: { code: 'validation_failed', message: 'Check the fields.', fields: [{ path: 'line 3', message: 'Use at least 8 characters.' }] } },
    };
    await assert.rejects(client.importTestUsers('acme', 'development', 'x'), (e: ControlPlaneError) => {
      assert.equal(e.code, 'validation_failed');
      assert.deepEqual(e.fields, [{ path: 'line 3', message: 'Use at least 8 characters.' }]);
      return true;
    });
  });
});
