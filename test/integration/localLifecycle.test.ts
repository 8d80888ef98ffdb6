// The local control plane's lifecycle inside the real VS Code (issue 26): Stop leaves it stopped (the watchdog does
// not bring it back, commands say how to start it), Start brings it and its data back, and Clean deletes its data
// folder and the consumer secrets kept for it in SecretStorage, and nothing of another control plane.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { AuthConfiguration, Component, Organization } from '../../src/api';
import { activeApi, healthy, rows, waitFor } from './support';

describe('Start, Stop and Clean of the local control plane', function () {
  this.timeout(90_000);
  let api: ChoreoApi;
  let org: Organization;
  const otherControlPlane = { controlPlane: 'https://team.example.test', org: 'acme', project: 'default', componentId: 'c1', environment: 'development' };

  before(async function () {
    api = await activeApi();
    if (api.connection.kind !== 'local') this.skip();
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: `Lifecycle ${randomUUID().slice(0, 8)}` }))!;
    assert.ok(org, api.failures.last?.message);
    const consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Lifecycle App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    const auth = await vscode.commands.executeCommand<AuthConfiguration>('choreo.generateKeys', {
      orgHandle: org.handle,
      projectHandle: 'default',
      componentName: consumer.name,
      environment: 'development',
    });
    assert.ok(auth, api.failures.last?.message);
    await api.vault.storeConsumerSecret(otherControlPlane, 'a secret of another control plane');
  });
  after(async () => {
    // Leave a running control plane for the suites after this one.
    await vscode.commands.executeCommand('choreo.controlPlane.start');
    await api?.vault.deleteConsumerSecret(otherControlPlane);
  });

  it('Stop: nothing answers, the watchdog leaves it stopped, and a command says how to start it', async () => {
    const baseUrl = api.connection.baseUrl;
    await vscode.commands.executeCommand('choreo.controlPlane.stop');
    assert.equal(api.connection.state, 'stopped', api.failures.last?.message);
    assert.equal(await healthy(baseUrl), false);
    await new Promise((r) => setTimeout(r, 6_000)); // past one watchdog round (5 s)
    assert.equal(await healthy(baseUrl), false, 'the watchdog did not start it again');
    api.tree.refresh();
    assert.deepEqual(await rows(api), []);
    assert.equal(api.viewState, 'stopped');
    assert.match(api.statusBar.tooltip, /: stopped/);
    const made = await vscode.commands.executeCommand('choreo.createOrganization', { name: 'Refused' });
    assert.equal(made, undefined);
    assert.match(api.failures.last?.message ?? '', /The local control plane is stopped\. Start it with Choreo: Start Local Control Plane\./);
  });

  it('Start: it answers again, with its data', async () => {
    await vscode.commands.executeCommand('choreo.controlPlane.start');
    assert.equal(api.connection.state, 'ready', api.failures.last?.message);
    api.tree.refresh();
    assert.ok((await rows(api)).some((r) => r.label === org.name));
  });

  it("Clean: its data folder and the secrets kept for it go; another control plane's secret stays", async () => {
    const local = api.connection.local!;
    const prefix = `choreo.secret/${encodeURIComponent(api.connection.baseUrl)}/`;
    assert.ok(
      (await api.vault.keys()).some((k) => k.startsWith(prefix)),
      'a secret of the local control plane before Clean',
    );
    const result = await vscode.commands.executeCommand<{ secretsDeleted: number }>('choreo.controlPlane.clean', { confirm: true });
    assert.ok(result, api.failures.last?.message);
    assert.ok(result.secretsDeleted >= 1);
    assert.equal(existsSync(local.dataDir), false, `${local.dataDir} is gone`);
    assert.equal(await healthy(api.connection.baseUrl), false);
    assert.deepEqual(
      (await api.vault.keys()).filter((k) => k.startsWith(prefix)),
      [],
    );
    assert.equal(await api.vault.getConsumerSecret(otherControlPlane), 'a secret of another control plane');
    await waitFor('the view shows it stopped', () => api.connection.state === 'stopped');
  });
});
