// Test Connection against a real control plane and its gateway, in plain Node: a real token from the built-in
// provider with the secret kept in (in-memory) SecretStorage, a real call through the gateway to the sample Greeting
// Service, then the gateway's own refusals and what the user is told to do about them.
import * as assert from 'node:assert/strict';
import type { Component } from '../../../src/api';
import { createConnection } from '../../../src/useCases/createConnection';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { generateKeys } from '../../../src/useCases/keys';
import { componentTargetOf, resolveConnection, resolveEnvironment } from '../../../src/useCases/targets';
import { testConnection } from '../../../src/useCases/testConnection';
import { startWorld, type World } from './world';

const ORG = 'stark-industries';
const PROJECT = 'default';

describe('Test Connection (use case) through the real gateway', function () {
  this.timeout(30_000);
  let world: World;
  let consumer: Component;

  before(async () => {
    world = await startWorld();
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Mobile App' });
    await generateKeys(world.ctx, await resolveEnvironment(world.ctx, { ...componentTargetOf(consumer), environment: 'development' }));
    const service = (await world.client.listComponents(ORG, PROJECT, { type: 'service' })).items[0]!;
    await createConnection(world.ctx, componentTargetOf(consumer), {
      name: 'Greeting',
      serviceComponentName: service.name,
      endpointName: service.endpoints![0]!.name,
    });
  });
  after(async () => {
    await world?.close();
  });

  const target = () => resolveConnection(world.ctx, { ...componentTargetOf(consumer), connection: { name: 'Greeting' } as never, environment: 'development' });

  it('gets a token with the kept secret and calls the service: 200 with its answer, timed, the token nowhere in the report or log', async () => {
    const result = await testConnection(world.ctx, await target(), { method: 'GET', path: '/greeting?name=Ada' });
    assert.equal(result.status, 200, result.body);
    assert.match(result.body, /"message":"Hello, Ada!"/);
    assert.match(result.url, /\/gw\/stark-industries\/default\/.+\/development\/greeting\?name=Ada$/);
    assert.ok(result.ms > 0);
    assert.ok(result.headers.some(([k]) => k === 'content-type'));
    assert.equal(result.advice, undefined);
    assert.match(result.report, /→ \*\*200 OK\*\*/);
    const secret = [...world.secrets.values()][0]!;
    assert.ok(!result.report.includes(secret) && !world.lines.join('\n').includes(secret));
    assert.ok(!/Bearer|eyJ/.test(result.report + world.lines.join('\n')), 'no token in the report or the log');
  });

  it("a pasted token the gateway refuses: 401, the gateway's words and what to do", async () => {
    const result = await testConnection(world.ctx, await target(), { method: 'GET', path: '/', accessToken: 'not-a-token' });
    assert.equal(result.status, 401);
    assert.match(result.advice ?? '', /^The gateway said: ".+"\. The token was refused\. Check that Stark Mobile App's keys in Development are current/);
  });

  it('refuses a path that would leave the service URL, calling nothing', async () => {
    const before = world.lines.length;
    await assert.rejects(testConnection(world.ctx, await target(), { path: '//evil.example/' }), (e: Error & { code?: string }) => e.code === 'invalid_path');
    assert.equal(world.lines.length, before, 'no call was made (none logged)');
  });

  it('after the connection is deleted, the same call is refused: 403, and the advice names the connection and Create Connection', async () => {
    const stale = await target();
    await world.client.deleteConnection(ORG, PROJECT, consumer.name, 'Greeting');
    const result = await testConnection(world.ctx, stale, { method: 'GET', path: '/greeting' });
    assert.equal(result.status, 403, result.body);
    assert.match(result.advice ?? '', /may not call this endpoint\. Check that the connection Greeting still exists \(Create Connection adds it again\)/);
    assert.match(result.report, /> The gateway said:/);
  });
});
