// Identity providers through the use cases the tree's commands and the provider's overview share, against a real
// control plane and a real external provider (oidc-provider) in plain Node: Refresh says what changed after the
// provider moved its token endpoint and added a key; Delete is refused while a consumer's keys use the provider,
// naming the consumer, and succeeds once Remove Keys freed it.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import type { Component, IdentityProvider } from '../../../src/api';
import { ControlPlaneError } from '../../../src/client/errors';
import type { openActions as openActionsType } from '../../../src/commands/runCommand';
import { addIdentityProvider } from '../../../src/useCases/addIdentityProvider';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { deleteResource } from '../../../src/useCases/deleteResource';
import { addKeys, removeKeys } from '../../../src/useCases/keys';
import { describeChanges, refreshIdentityProvider } from '../../../src/useCases/refreshIdentityProvider';
import { resolveEnvironment, resolveIdentityProvider } from '../../../src/useCases/targets';
import type { IdentityProviderPanel as IdentityProviderPanelType } from '../../../src/webviews/identityProvider/host';
import type { FormNavigation } from '../../../src/webviews/navigation';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../../snippets/fixtures/externalIdentityProvider';
import { fakePanel, until } from '../webviews/fakePanel';
import { fakeVscode, requireWithFakeVscode } from './fakeVscode';
import { startWorld, type World } from './world';

const src = (p: string) => path.join(__dirname, '..', '..', '..', 'src', p);
const { IdentityProviderPanel } = requireWithFakeVscode<{ IdentityProviderPanel: typeof IdentityProviderPanelType }>(src('webviews/identityProvider/host'));
const { openActions } = requireWithFakeVscode<{ openActions: typeof openActionsType }>(src('commands/runCommand'));

const ORG = 'stark-industries';
const PROJECT = 'default';
type Posted = { type: string; [k: string]: unknown };

describe('identity providers: refresh, delete refused while in use, delete', function () {
  this.timeout(30_000);
  let world: World;
  let idp: ExternalIdentityProvider;
  let provider: IdentityProvider;
  let consumer: Component;
  const opened: unknown[] = [];
  const nav = { onDidChange: () => ({ dispose() {} }), openOverview: (ref: unknown) => void opened.push(ref) } as unknown as FormNavigation;
  const target = () => ({ orgHandle: ORG, identityProvider: provider });

  /** The provider's overview, as VS Code would host it; resolves once it has posted its data. */
  async function overview() {
    const fake = fakePanel();
    new IdentityProviderPanel(fake.panel as never, { orgHandle: ORG, identityProviderId: provider.id }, world.ctx, nav);
    fake.send({ type: 'ready' });
    await fake.posts('data');
    return fake;
  }
  const last = (posted: unknown[], type: string) => (posted as Posted[]).filter((m) => m.type === type).at(-1);

  before(async () => {
    world = await startWorld();
    idp = await startExternalIdentityProvider();
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Mobile App' });
    provider = await addIdentityProvider(world.ctx, { orgHandle: ORG }, { name: 'Stark IdP', wellKnownUrl: idp.wellKnownUrl });
  });
  after(async () => {
    await idp?.close();
    await world?.close();
  });

  it("the palette's picker offers the external providers only, for Refresh and Delete", async () => {
    world.asked.length = 0;
    const picked = await resolveIdentityProvider(world.ctx, { orgHandle: ORG }, { external: true });
    assert.equal(picked.identityProvider.id, provider.id, 'the one external provider, without asking');
    assert.equal(world.asked.length, 0, 'nothing was asked');
    const builtIn = (await world.client.listIdentityProviders(ORG)).find((p) => p.kind === 'built-in')!;
    world.answer(builtIn.name);
    const any = await resolveIdentityProvider(world.ctx, { orgHandle: ORG });
    assert.deepEqual(world.asked[0]?.options, [builtIn.name, 'Stark IdP'], 'Open offers the built-in one too');
    assert.equal(any.identityProvider.id, builtIn.id);
  });

  it('Add Keys from the palette asks the provider among the external ones, then the Client ID (a blank one refused in the box)', async () => {
    const env = await resolveEnvironment(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name, environment: 'production' });
    world.asked.length = 0;
    world.answer('Stark IdP', '', 'stark-mobile-app-prod');
    const auth = await addKeys(world.ctx, env);
    assert.deepEqual(
      world.asked.map((a) => [a.kind, a.text, a.options]),
      [
        ['pick', 'Add Keys: identity provider for Production', ['Stark IdP']],
        ['ask', 'Add Keys', undefined],
      ],
    );
    assert.equal(world.asked[1]!.refused?.length, 1);
    assert.deepEqual([auth.identityProviderId, auth.clientId, auth.environment], [provider.id, 'stark-mobile-app-prod', 'production']);
    await removeKeys(world.ctx, await resolveEnvironment(world.ctx, env), { confirmed: true });
  });

  it('Refresh says "Nothing changed" when the discovery document and keys are as they were', async () => {
    const refreshed = await refreshIdentityProvider(world.ctx, target());
    assert.deepEqual(refreshed.changes, []);
    assert.equal(refreshed.summary, 'Nothing changed');
    assert.ok(refreshed.provider.refreshedAt, 'the time of the refresh is kept');
    assert.deepEqual(world.changes.at(-1), { orgHandle: ORG, identityProviders: true }, 'the tree reloads the providers');
  });

  it('Refresh after the provider moved its token endpoint and added a signing key says both, in one line', async () => {
    const before = { tokenEndpoint: idp.tokenEndpoint, kids: [...idp.kids] };
    await idp.reconfigure({ tokenPath: '/oauth2/token' });
    const refreshed = await refreshIdentityProvider(world.ctx, target());
    assert.equal(refreshed.provider.tokenEndpoint, `${idp.issuer}/oauth2/token`);
    const added = idp.kids.filter((k) => !before.kids.includes(k));
    assert.equal(added.length, 1);
    assert.equal(refreshed.summary, `Token endpoint: ${before.tokenEndpoint} → ${idp.tokenEndpoint}; signing keys: added ${added[0]}`);
    assert.equal(idp.kids.length, 3);
    provider = refreshed.provider;
  });

  it('the overview shows the provider and the consumers using it; its Refresh button runs the same use case', async () => {
    const env = await resolveEnvironment(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name, environment: 'development' });
    await addKeys(world.ctx, env, { identityProviderId: provider.id, clientId: 'stark-mobile-app-dev' });
    const fake = await overview();
    const data = last(fake.posted, 'data') as unknown as { provider: IdentityProvider; environments: unknown[] };
    assert.equal(data.provider.issuer, idp.issuer);
    assert.equal(data.provider.tokenEndpoint, idp.tokenEndpoint);
    assert.equal(data.provider.wellKnownUrl, idp.wellKnownUrl);
    assert.deepEqual(
      data.provider.usedBy?.map((u) => [u.displayName, u.componentName, u.environment]),
      [['Stark Mobile App', consumer.name, 'development']],
    );
    assert.equal(fake.panel.title, 'Identity Provider · Stark IdP');

    fake.send({ type: 'openConsumer', index: 0 });
    fake.send({ type: 'openConsumer', index: 5 });
    await until(() => opened.length > 0 && world.lines.some((l) => /refused openConsumer/.test(l)), 'both openConsumer messages to be handled');
    assert.deepEqual(opened, [{ orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name }], 'only a consumer the page lists is opened');
    assert.ok(world.lines.some((l) => /^warn choreo\.identityProvider: refused openConsumer \(not_shown\)/.test(l)));

    await fake.act({ type: 'refresh' });
    assert.deepEqual((last(fake.posted, 'data') as Posted).refreshed, [], 'the page says nothing changed');
  });

  it('Delete asks naming the provider, and is refused while a consumer uses it: the message names the consumer once, the notification offers to open it', async () => {
    world.asked.length = 0;
    world.answer(true);
    const refusal = await deleteResource(world.ctx, { orgHandle: ORG, identityProvider: provider }).then(
      () => assert.fail('the delete went through'),
      (e: unknown) => e,
    );
    assert.equal(world.asked[0]?.text, 'Delete identity provider Stark IdP?');
    assert.ok(refusal instanceof ControlPlaneError);
    assert.equal(refusal.code, 'in_use');
    assert.equal(refusal.describe().split(consumer.name).length - 1, 1, `named once: ${refusal.describe()}`);
    assert.deepEqual(
      refusal.uses?.map((u) => [u.displayName, u.projectHandle, u.componentName, u.environment]),
      [['Stark Mobile App', PROJECT, consumer.name, 'development']],
    );
    const actions = openActions(refusal.uses ?? []);
    assert.deepEqual([...actions.keys()], ['Open Stark Mobile App']);
    const ran: unknown[][] = [];
    fakeVscode.commands.executeCommand = async (...args: unknown[]) => void ran.push(args);
    await actions.get('Open Stark Mobile App')!();
    assert.deepEqual(ran, [['choreo.openOverview', { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name }]]);
    assert.ok(
      (await world.client.listIdentityProviders(ORG)).some((p) => p.id === provider.id),
      'the provider is still there',
    );
  });

  it("the overview's Delete is refused the same way, on the page, which stays open", async () => {
    const fake = await overview();
    world.answer(true);
    fake.send({ type: 'delete' });
    await fake.posts('formError');
    const error = last(fake.posted, 'formError') as Posted;
    assert.equal(error.code, 'in_use');
    assert.match(String(error.message), new RegExp(consumer.name));
    assert.equal(fake.panel.disposed, false);
  });

  it('more than three consumers: one button opens a picker of them', () => {
    const use = (n: number) => ({ orgHandle: ORG, projectHandle: PROJECT, componentName: `app-${n}`, displayName: `App ${n}`, environment: 'development' });
    // The same consumer in two environments is one consumer.
    const actions = openActions([use(1), { ...use(1), environment: 'production' }, use(2), use(3), use(4)]);
    assert.deepEqual([...actions.keys()], ['Open a Consumer (4)…']);
    assert.deepEqual([...openActions([use(1), { ...use(1), environment: 'production' }, use(2)]).keys()], ['Open App 1', 'Open App 2']);
  });

  it('after Remove Keys, Delete succeeds and the provider is gone', async () => {
    const env = await resolveEnvironment(world.ctx, { orgHandle: ORG, projectHandle: PROJECT, componentName: consumer.name, environment: 'development' });
    world.asked.length = 0;
    world.answer(true);
    await removeKeys(world.ctx, env);
    assert.equal(world.asked[0]?.text, 'Remove the keys of Stark Mobile App in Development?');
    assert.equal((await world.client.getIdentityProvider(ORG, provider.id)).usedBy?.length ?? 0, 0);
    const fake = await overview();
    world.answer(true);
    world.changes.length = 0;
    fake.send({ type: 'delete' });
    await fake.closes();
    assert.equal(last(fake.posted, 'formError'), undefined, JSON.stringify(last(fake.posted, 'formError')));
    assert.equal(fake.panel.disposed, true, 'the overview closes');
    assert.ok(!(await world.client.listIdentityProviders(ORG)).some((p) => p.id === provider.id));
    assert.deepEqual(world.changes, [{ orgHandle: ORG, identityProviders: true }]);
  });

  it("describes each kind of change in the product's words", () => {
    assert.equal(
      describeChanges([
        { field: 'issuer', before: 'https://a', after: 'https://b' },
        { field: 'jwksUri', before: 'https://a/jwks', after: 'https://b/jwks' },
        { field: 'signingKeys', before: '', after: 'k1' },
      ]),
      'Issuer: https://a → https://b; JWKS URL: https://a/jwks → https://b/jwks; signing keys: added k1',
    );
    // A rotation: the key that came and the one that went, not two lists to compare by eye.
    assert.equal(describeChanges([{ field: 'signingKeys', before: 'k1, k2, k3', after: 'k2, k3, k4' }]), 'Signing keys: added k4; removed k1');
  });
});
