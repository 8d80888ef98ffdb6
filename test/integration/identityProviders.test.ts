// The Identity Providers node in the real VS Code, against the local control plane the extension starts and a real
// external provider (oidc-provider on loopback): the node lists the built-in and the external provider; a consumer's
// Add Keys shows under the provider it uses; Refresh after the provider moved its token endpoint and added a key says
// so; Delete is refused while the consumer uses it (the notification names it and offers to open it); after Remove
// Keys, Delete goes through and the node no longer lists it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { Component, IdentityProvider, Organization } from '../../src/api';
import type { CommandFailure } from '../../src/commands/runCommand';
import type { RefreshedProvider } from '../../src/useCases/refreshIdentityProvider';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../snippets/fixtures/externalIdentityProvider';
import { activeApi, child, rows, waitFor, type Row } from './support';

describe('Identity providers in the tree', function () {
  this.timeout(60_000);
  let api: ChoreoApi;
  let idp: ExternalIdentityProvider;
  let org: Organization;
  let consumer: Component;
  let provider: IdentityProvider;

  const providersRow = async (): Promise<Row> => child(api, (await child(api, undefined, org.name)).node, 'Identity Providers');
  const providerRow = async (): Promise<Row> => child(api, (await providersRow()).node, 'Wayne IdP');
  const tooltip = (row: Row) => String(api.tree.getTreeItem(row.node as never).tooltip);
  const tabOpen = (label: RegExp) => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => label.test(t.label)));

  before(async () => {
    api = await activeApi();
    idp = await startExternalIdentityProvider();
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Wayne Enterprises' }))!;
    assert.ok(org, api.failures.last?.message);
    consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Wayne Field App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    // The tree has shown the organization's rows before the provider is added: the add must reload them itself.
    assert.deepEqual(
      (await rows(api, (await providersRow()).node)).map((r) => r.description),
      ['built-in'],
    );
    provider = (await vscode.commands.executeCommand<IdentityProvider>(
      'choreo.addIdentityProvider',
      { orgHandle: org.handle },
      { name: 'Wayne IdP', wellKnownUrl: idp.wellKnownUrl },
    ))!;
    assert.ok(provider, api.failures.last?.message);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await idp?.close();
  });

  it('lists the built-in provider and the external one under the organization, with issuer, environments and users', async () => {
    const org = await child(api, undefined, 'Wayne Enterprises');
    const labels = (await rows(api, org.node)).map((r) => [r.label, r.contextValue]);
    assert.deepEqual(labels.at(-1), ['Identity Providers', 'identityProviders'], 'after the projects');
    const listed = await rows(api, (await providersRow()).node);
    assert.deepEqual(
      listed.map((r) => [r.description, r.contextValue]),
      [
        ['built-in', 'identityProvider.builtIn'],
        [new URL(idp.issuer).host, 'identityProvider.external'],
      ],
    );
    const external = await providerRow();
    assert.equal(
      tooltip(external),
      `Wayne IdP (external identity provider)\nIssuer: ${idp.issuer}\nEnvironments: All environments\nUsed by no external consumer`,
    );
  });

  it('shows the consumer whose keys use the provider under it, and its row opens that consumer', async () => {
    const auth = await vscode.commands.executeCommand(
      'choreo.addKeys',
      { orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name, environment: 'development' },
      { identityProviderId: provider.id, clientId: 'wayne-field-dev' },
    );
    assert.ok(auth, api.failures.last?.message);
    const row = await providerRow();
    assert.equal(row.description, `${new URL(idp.issuer).host} · used by 1`);
    assert.match(tooltip(row), /\nUsed by: Wayne Field App \(Development\)$/);
    const uses = await rows(api, row.node);
    assert.deepEqual(
      uses.map((u) => [u.label, u.description, u.contextValue]),
      [['Wayne Field App', 'Development · default', 'identityProviderUse']],
    );
    const command = api.tree.getTreeItem(uses[0]!.node as never).command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    await waitFor("the consumer's Overview", () => tabOpen(/Wayne Field App|wayne-field-app/), 10_000);
  });

  it("Open shows the provider's overview", async () => {
    await vscode.commands.executeCommand('choreo.openIdentityProvider', (await providerRow()).node);
    await waitFor("the provider's overview", () => tabOpen(/Identity Provider/), 10_000);
  });

  it('Refresh after the provider moved its token endpoint and added a key says what changed', async () => {
    const before = { tokenEndpoint: idp.tokenEndpoint, kids: [...idp.kids] };
    const same = await vscode.commands.executeCommand<RefreshedProvider>('choreo.refreshIdentityProvider', (await providerRow()).node, { show: false });
    assert.ok(same, api.failures.last?.message);
    assert.equal(same.summary, 'Nothing changed');
    await idp.reconfigure({ tokenPath: '/oauth2/token' });
    const moved = await vscode.commands.executeCommand<RefreshedProvider>('choreo.refreshIdentityProvider', (await providerRow()).node, { show: false });
    assert.ok(moved, api.failures.last?.message);
    const added = idp.kids.filter((k) => !before.kids.includes(k)).join(', ');
    assert.equal(moved.summary, `Token endpoint: ${before.tokenEndpoint} → ${idp.issuer}/oauth2/token; signing keys: added ${added}`);
  });

  it('Delete is refused while the consumer uses it: the notification names the consumer and offers to open it', async () => {
    const shown: CommandFailure[] = [];
    const listening = api.failures.onDidFail((f) => shown.push(f));
    const deleted = await vscode.commands.executeCommand('choreo.deleteIdentityProvider', (await providerRow()).node, { confirm: true });
    listening.dispose();
    assert.equal(deleted, undefined);
    assert.equal(shown.length, 1, 'one notification');
    const failure = shown[0]!;
    assert.equal(failure.command, 'choreo.deleteIdentityProvider');
    assert.equal(failure.code, 'in_use');
    assert.equal(failure.message.split(consumer.name).length - 1, 1, `named once: ${failure.message}`);
    assert.deepEqual(failure.actions, ['Open Wayne Field App', 'Show Logs']);
    assert.ok(await providerRow(), 'still listed');
  });

  it('after Remove Keys, Delete succeeds and the node no longer lists the provider', async () => {
    await vscode.commands.executeCommand(
      'choreo.removeKeys',
      { orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name, environment: 'development' },
      { confirm: true },
    );
    assert.equal((await providerRow()).description, new URL(idp.issuer).host, 'no longer used');
    const deleted = await vscode.commands.executeCommand<string>('choreo.deleteIdentityProvider', (await providerRow()).node, { confirm: true });
    assert.equal(deleted, 'identity provider Wayne IdP', api.failures.last?.message);
    assert.deepEqual(
      (await rows(api, (await providersRow()).node)).map((r) => r.contextValue),
      ['identityProvider.builtIn'],
    );
  });
});
