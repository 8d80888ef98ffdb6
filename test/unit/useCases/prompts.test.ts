// What a command asks when it is not given everything, driven by the scripted prompter of world.ts: Create
// Organization, Create Project, Add Keys and Copy Service URL ask through the use cases' prompter (they once called
// the quick input directly, which no test could answer), and an input box refuses what the API would refuse.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import type { copyServiceUrl as copyServiceUrlType } from '../../../src/commands/copyServiceUrl';
import { createOrganization } from '../../../src/useCases/createOrganization';
import { createProject } from '../../../src/useCases/createProject';
import { Cancelled, UseCaseError } from '../../../src/useCases/errors';
import { addKeys } from '../../../src/useCases/keys';
import { resolveEnvironment } from '../../../src/useCases/targets';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { fakeVscode, requireWithFakeVscode } from './fakeVscode';
import { startWorld, type World } from './world';

const src = (p: string) => path.join(__dirname, '..', '..', '..', 'src', p);
const { copyServiceUrl } = requireWithFakeVscode<{ copyServiceUrl: typeof copyServiceUrlType }>(src('commands/copyServiceUrl'));

describe("prompts through the use cases' prompter", function () {
  this.timeout(30_000);
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });
  beforeEach(() => {
    world.asked.length = 0;
    world.changes.length = 0;
  });

  it('Create Organization asks the name; one the API refuses is refused in the box, the next is created and the tree reloads', async () => {
    world.answer('', 'Stark Industries');
    const org = await createOrganization(world.ctx);
    assert.equal(world.asked.length, 1);
    assert.equal(world.asked[0]!.text, 'Create Organization');
    assert.equal(world.asked[0]!.refused?.length, 1, 'the empty name was refused while typing');
    assert.equal(org.name, 'Stark Industries');
    assert.equal(org.handle, 'stark-industries');
    assert.deepEqual(world.changes, [{}]);
  });

  it('Create Organization dismissed creates nothing', async () => {
    const before = (await world.client.listOrganizations()).items.length;
    world.answer(undefined);
    await assert.rejects(createOrganization(world.ctx), Cancelled);
    assert.equal((await world.client.listOrganizations()).items.length, before);
    assert.deepEqual(world.changes, []);
  });

  it('Create Project asks which organization (there are two), then the name and the description', async () => {
    await createOrganization(world.ctx, { name: 'Wayne Enterprises' });
    world.asked.length = 0;
    world.answer('Wayne Enterprises', 'Mobile', 'Apps for the field');
    const project = await createProject(world.ctx, {});
    assert.deepEqual(
      world.asked.map((a) => [a.kind, a.text]),
      [
        ['pick', 'Organization'],
        ['ask', 'Create Project'],
        ['ask', 'Create Project'],
      ],
    );
    assert.deepEqual(world.asked[0]!.options, ['Stark Industries', 'Wayne Enterprises']);
    assert.equal(world.asked[1]!.detail, 'Name of the project in wayne-enterprises');
    assert.deepEqual([project.orgHandle, project.name, project.description], ['wayne-enterprises', 'Mobile', 'Apps for the field']);
    assert.deepEqual(world.changes.at(-1), { orgHandle: 'wayne-enterprises' });
  });

  it('Create Project given a name asks nothing, and has no description', async () => {
    const project = await createProject(world.ctx, { orgHandle: 'stark-industries' }, { name: 'Web' });
    assert.deepEqual(world.asked, []);
    assert.deepEqual([project.orgHandle, project.handle, project.description], ['stark-industries', 'web', '']);
  });

  it('Add Keys without an external provider says to add one, and asks nothing', async () => {
    const consumer = await createExternalConsumer(world.ctx, { orgHandle: 'stark-industries', projectHandle: 'default' }, { displayName: 'Stark Mobile App' });
    const env = await resolveEnvironment(world.ctx, {
      orgHandle: 'stark-industries',
      projectHandle: 'default',
      componentName: consumer.name,
      environment: 'development',
    });
    world.asked.length = 0;
    const refusal = await addKeys(world.ctx, env).then(
      () => assert.fail('keys were added'),
      (e: unknown) => e,
    );
    assert.ok(refusal instanceof UseCaseError);
    assert.equal(refusal.code, 'no_identity_provider');
    assert.match(refusal.message, /Run "Add Identity Provider" first/);
    assert.deepEqual(world.asked, []);
  });

  it("Copy Service URL of an endpoint asks the environment (there are two) and copies that one's URL", async () => {
    const service = (await world.client.listComponents('stark-industries', 'default', { type: 'service' })).items[0]!;
    const endpoint = service.endpoints![0]!;
    world.answer('Production');
    const url = await copyServiceUrl(
      world.ctx as never,
      { orgHandle: 'stark-industries', projectHandle: 'default', componentName: service.name, endpoint } as never,
    );
    assert.deepEqual(world.asked[0]?.options, ['Development', 'Production']);
    assert.equal(url, endpoint.gatewayUrls.production);
    assert.notEqual(url, endpoint.gatewayUrls.development);
    assert.equal(fakeVscode.clipboard.at(-1), url);
  });
});
