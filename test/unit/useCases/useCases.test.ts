// The use cases that commands and forms share, against a real control plane in plain Node: a form's action and a
// command's reach the same step, so what one stores the other finds; what the user is asked names the consumer by
// its display name; what a user can leave out of a command is asked for instead of refused.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import type { Component } from '../../../src/api';
import type { CommandContext } from '../../../src/commands/commandContext';
import { CredentialVault } from '../../../src/secrets/credentialVault';
import { createExternalConsumer as createExternalConsumerCommand } from '../../../src/commands/createExternalConsumer';
import { addIdentityProvider } from '../../../src/useCases/addIdentityProvider';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { deleteResource } from '../../../src/useCases/deleteResource';
import { getTestToken } from '../../../src/useCases/getTestToken';
import { regenerateSecret } from '../../../src/useCases/keys';
import { componentTargetOf, resolveConnection, resolveEnvironment, type ComponentTarget } from '../../../src/useCases/targets';
import type { AddIdentityProviderPanel as AddIdentityProviderPanelType } from '../../../src/webviews/addIdentityProvider/host';
import type { ConfigureAuthenticationPanel as ConfigurePanelType } from '../../../src/webviews/configureAuthentication/host';
import type { FormNavigation } from '../../../src/webviews/navigation';
import { fakePanel } from '../webviews/fakePanel';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../../snippets/fixtures/externalIdentityProvider';
import { fakeVscode, requireWithFakeVscode } from './fakeVscode';
import { startWorld, type World } from './world';

const src = (p: string) => path.join(__dirname, '..', '..', '..', 'src', p);
const { ConfigureAuthenticationPanel } = requireWithFakeVscode<{ ConfigureAuthenticationPanel: typeof ConfigurePanelType }>(
  src('webviews/configureAuthentication/host'),
);
const { AddIdentityProviderPanel } = requireWithFakeVscode<{ AddIdentityProviderPanel: typeof AddIdentityProviderPanelType }>(
  src('webviews/addIdentityProvider/host'),
);

const nav = { onDidChange: () => ({ dispose() {} }), openOverview() {}, openAddIdentityProvider() {} } as unknown as FormNavigation;
const ORG = 'stark-industries';
const PROJECT = 'default';

describe('use cases, shared by commands and forms', function () {
  this.timeout(30_000);
  let world: World;
  let consumer: Component;
  const env = (environment = 'development') => ({ orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name, environment });

  before(async () => {
    world = await startWorld();
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Mobile App' });
  });
  after(async () => {
    await world?.close();
  });

  /** The Configure form of one environment, as VS Code would host it. */
  function configureForm(environment = 'development') {
    const fake = fakePanel();
    new ConfigureAuthenticationPanel(
      fake.panel as never,
      { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name, environment },
      world.ctx,
      nav,
    );
    return fake;
  }

  it("the form's Generate Keys keeps the secret where the commands look: Get Test Token finds it (it found none)", async () => {
    const form = configureForm();
    form.send({ type: 'ready' });
    await form.posts('data');
    form.send({ type: 'generateKeys' });
    await form.posts('secretIssued');
    const issued = form.posted.find((m) => (m as { type: string }).type === 'secretIssued') as { clientSecret: string } | undefined;
    assert.ok(issued, JSON.stringify(form.posted));
    const key = CredentialVault.consumerSecretKey({
      controlPlane: world.client.baseUrl,
      org: ORG,
      project: PROJECT,
      componentId: consumer.id,
      environment: 'development',
    });
    assert.equal(world.secrets.get(key), issued.clientSecret, "under the consumer's org and project, not undefined/undefined");
    assert.ok(![...world.secrets.keys()].some((k) => k.includes('undefined')));
    const { check } = await getTestToken(world.ctx, await resolveEnvironment(world.ctx, env()));
    assert.deepEqual(check.problems, []);
    assert.equal(check.ok, true);
  });

  it("after Regenerate Secret from the tree, the form's Copy Secret hands out the new secret", async () => {
    world.answer(true);
    const issued = await regenerateSecret(world.ctx, await resolveEnvironment(world.ctx, env()));
    const form = configureForm();
    form.send({ type: 'copySecret' });
    await form.posts('notice');
    assert.equal(fakeVscode.clipboard.at(-1), issued.clientSecret);
  });

  it('asks before Regenerate Secret, from the form as from the tree, naming the consumer by its display name', async () => {
    world.asked.length = 0;
    const form = configureForm();
    world.answer(undefined); // dismissed
    await form.act({ type: 'regenerateSecret' });
    assert.deepEqual(
      world.asked.map((a) => [a.kind, a.text]),
      [['confirm', 'Regenerate the secret of Stark Mobile App in Development?']],
    );
    assert.match(world.asked[0]!.detail ?? '', /the gateway refuses the tokens already issued with it/);
    assert.ok(!form.posted.some((m) => (m as { type: string }).type === 'secretIssued'), 'dismissed: nothing regenerated');
    assert.ok(!form.posted.some((m) => (m as { type: string }).type === 'formError'), 'and nothing to report');
  });

  it('Insert Snippet from the palette asks for the consumer and the environment instead of refusing', async () => {
    const service = (await world.client.listComponents(ORG, PROJECT, { type: 'service' })).items[0]!;
    await world.client.createConnection(ORG, PROJECT, consumer.name, {
      name: 'Greeting',
      serviceComponentName: service.name,
      endpointName: service.endpoints![0]!.name,
    });
    world.asked.length = 0;
    world.answer('Stark Mobile App', 'Production');
    const target = await resolveConnection(world.ctx, {});
    assert.deepEqual(
      world.asked.map((a) => [a.kind, a.text]),
      [
        ['pick', 'External consumer'],
        ['pick', 'Environment for Greeting'],
      ],
    );
    assert.equal(target.ref.connection.name, 'Greeting');
    assert.equal(target.environment, 'production');
    assert.ok(target.config.entries.some((e) => e.key === 'ServiceURL'));
  });

  it('Create External Consumer from a component row opens the form on its project; it does not take the row for the new consumer', async () => {
    const opened: unknown[] = [];
    const ctx = { ...world.ctx, forms: { openCreateExternalConsumer: async (p: unknown) => void opened.push(p) } } as unknown as CommandContext;
    const service = (await world.client.listComponents(ORG, PROJECT, { type: 'service' })).items[0]!;
    const row: { ref: ComponentTarget } = { ref: componentTargetOf(service) };
    const made = await createExternalConsumerCommand(ctx, row, [row] as never);
    assert.equal(made, undefined);
    assert.deepEqual(opened, [{ orgHandle: ORG, projectHandle: PROJECT }]);
  });

  describe('Add Identity Provider, the form', () => {
    let idp: ExternalIdentityProvider;
    before(async () => {
      idp = await startExternalIdentityProvider();
    });
    after(async () => {
      await idp?.close();
    });

    it("puts a failed discovery under the URL field, said once and in the user's words; a good URL adds it and closes the form", async () => {
      const fake = fakePanel();
      new AddIdentityProviderPanel(fake.panel as never, { orgHandle: ORG }, world.ctx);
      fake.send({ type: 'ready' });
      await fake.posts('data');
      const data = fake.posted.find((m) => (m as { type: string }).type === 'data') as { orgName: string; environments: unknown[]; gatewayAudience: string };
      assert.match(data.gatewayAudience, /^http:\/\/127\.0\.0\.1:\d+\/gw$/, 'the form shows the default audience');
      assert.equal(data.orgName, 'Stark Industries');
      assert.equal(data.environments.length, 2);
      fake.send({
        type: 'create',
        name: 'Stark IdP',
        description: '',
        wellKnownUrl: 'http://127.0.0.1:9/.well-known/openid-configuration',
        environments: [],
        audiences: [],
      });
      await fake.posts('formError');
      const error = fake.posted.find((m) => (m as { type: string }).type === 'formError') as { code: string; message: string; fields: Record<string, string> };
      assert.equal(error.code, 'discovery_failed');
      assert.ok(error.fields.wellKnownUrl, 'the error sits under the Well-Known URL');
      assert.equal(error.message, 'Check the marked fields.', 'said once: under the field');
      assert.doesNotMatch(JSON.stringify(error), /wellKnownUrl:/);
      assert.equal(fake.panel.disposed, false, 'the form stays, with what was typed');
      world.changes.length = 0;
      fake.send({
        type: 'create',
        name: 'Stark IdP',
        description: 'oidc-provider',
        wellKnownUrl: idp.wellKnownUrl,
        environments: ['production'],
        audiences: ['https://api.stark.example'],
      });
      await fake.closes();
      assert.equal(fake.panel.disposed, true);
      const added = (await world.client.listIdentityProviders(ORG)).find((p) => p.name === 'Stark IdP');
      assert.deepEqual(added?.environments, ['production']);
      assert.deepEqual(added?.audiences, ['https://api.stark.example'], 'the audiences typed in the form are the ones the gateway checks');
      assert.deepEqual(world.changes, [{ orgHandle: ORG, identityProviders: true }], 'the Configure form that opened it, and the tree, hear of the provider');
    });

    it("the command's notification says a refusal once, without field names", async () => {
      await assert.rejects(
        addIdentityProvider(world.ctx, { orgHandle: ORG }, { name: 'Nowhere', wellKnownUrl: 'http://127.0.0.1:9/.well-known/openid-configuration' }),
        (e: Error & { describe?: () => string }) => {
          const said = e.describe!();
          assert.doesNotMatch(said, /wellKnownUrl/);
          assert.equal(said, e.message);
          return true;
        },
      );
    });
  });

  it('Delete asks naming the consumer by its display name, and removes the secrets a form stored', async () => {
    assert.ok(world.secrets.size > 1, 'a secret is there to remove (and the vault index)');
    world.asked.length = 0;
    world.answer(true);
    await deleteResource(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name });
    assert.equal(world.asked[0]?.text, 'Delete external consumer Stark Mobile App?');
    assert.deepEqual(await world.vault.keys(), []);
    assert.ok(![...world.secrets.keys()].some((k) => k.startsWith('choreo.secret/')), [...world.secrets.keys()].join(', '));
  });
});
