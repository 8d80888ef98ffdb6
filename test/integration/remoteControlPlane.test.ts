// Switch Control Plane, the status bar and Sign Out (issue 5), against a second real control plane that this test
// starts itself (dist/controlPlane.js on port 0, its own data folder) and reaches by URL as a team's remote one.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { Organization } from '../../src/api';
import { activeApi, extensionId, rows, startControlPlane } from './support';
import { findLeaks, placesToSearch } from './leakSearch';

describe('Switch Control Plane to a remote one by URL, the status bar, Sign Out, and back to local', function () {
  this.timeout(60_000);
  let api: ChoreoApi;
  let dataDir: string;
  let remote: { child: ChildProcess; url: string } | undefined;
  let remoteUrl: string;
  let adminToken: string;
  let remoteOrg: Organization;
  let localOrg: Organization;

  before(async () => {
    api = await activeApi();
    const suffix = randomUUID().slice(0, 8);
    localOrg = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: `Local Only ${suffix}` }))!;
    assert.ok(localOrg, api.failures.last?.message);

    dataDir = mkdtempSync(path.join(process.env.CHOREO_TEST_SCRATCH ?? os.tmpdir(), 'remote-control-plane-'));
    remote = await startControlPlane(path.join(vscode.extensions.getExtension(extensionId)!.extensionPath, 'dist', 'controlPlane.js'), dataDir);
    remoteUrl = remote.url.replace(/\/+$/, '');
    adminToken = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    // The team's data, made through the remote control plane's own API.
    const res = await fetch(`${remoteUrl}/api/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Remote Team ${suffix}` }),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    remoteOrg = JSON.parse(text) as Organization;
  });

  after(async () => {
    if (api && api.connection.kind === 'remote') await vscode.commands.executeCommand('choreo.controlPlane.switch', { local: true });
    if (remoteUrl) await api?.vault.deleteAccessToken(remoteUrl);
    if (remote?.child.exitCode === null) {
      const exited = new Promise((r) => remote!.child.once('exit', r));
      remote.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (remote.child.exitCode === null) remote.child.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await api?.connection.shutdown();
  });

  it('switches to the remote URL: token in SecretStorage only, its tree, and the status bar names it', async () => {
    const result = await vscode.commands.executeCommand<string>('choreo.controlPlane.switch', { url: `${remoteUrl}/`, token: adminToken });
    assert.equal(result, remoteUrl, api.failures.last?.message);
    // Switch resolves once the new control plane is connected, not before.
    assert.equal(api.connection.kind, 'remote');
    assert.equal(api.connection.state, 'ready');
    assert.equal(api.connection.baseUrl, remoteUrl);
    assert.equal(vscode.workspace.getConfiguration('choreo.controlPlane').get('url'), remoteUrl);

    assert.equal(await api.vault.getAccessToken(remoteUrl), adminToken, 'the token is in SecretStorage');
    const leaks = findLeaks([adminToken], placesToSearch(api)).map((l) => l.place);
    assert.deepEqual(leaks, [], 'the access token is in no log, memento, setting or workspace file');

    const labels = (await rows(api)).map((r) => r.label);
    assert.ok(labels.includes(remoteOrg.name), `the remote organization is in the tree; got ${labels.join(', ')}`);
    assert.ok(!labels.includes(localOrg.name), 'the local organization is not');
    assert.equal(api.viewState, 'ready');

    const host = new URL(remoteUrl).host;
    assert.equal(api.statusBar.text, `$(server) Choreo: ${host}`);
    assert.match(api.statusBar.tooltip, new RegExp(`^Remote control plane ${remoteUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: healthy`));
  });

  it('Sign Out removes the remote token from SecretStorage', async () => {
    assert.equal(await api.vault.getAccessToken(remoteUrl), adminToken);
    await vscode.commands.executeCommand('choreo.signOut');
    assert.notEqual(api.failures.last?.command, 'choreo.signOut', api.failures.last?.message);
    assert.equal(await api.vault.getAccessToken(remoteUrl), undefined);
  });

  it('Sign Out on the local control plane is refused with a stable code', async () => {
    await vscode.commands.executeCommand('choreo.controlPlane.switch', { local: true });
    assert.equal(api.connection.kind, 'local');
    assert.equal(api.connection.state, 'ready', 'Switch resolves once the local control plane is connected');
    await vscode.commands.executeCommand('choreo.signOut');
    assert.equal(api.failures.last?.command, 'choreo.signOut');
    assert.equal(api.failures.last?.code, 'not_remote');
  });

  it('switching back to local shows the local tree and status bar, and the remote URL is gone from the settings', async () => {
    assert.equal(api.connection.kind, 'local');
    assert.equal(vscode.workspace.getConfiguration('choreo.controlPlane').get('url'), '');
    const labels = (await rows(api)).map((r) => r.label);
    assert.ok(labels.includes(localOrg.name), `the local organization is in the tree again; got ${labels.join(', ')}`);
    assert.ok(!labels.includes(remoteOrg.name), 'the remote organization is not');
    const port = vscode.workspace.getConfiguration('choreo.controlPlane').get<number>('localPort');
    assert.equal(api.statusBar.text, `$(server) Choreo: local :${port}`);
    assert.match(api.statusBar.tooltip, /^Local control plane .*: healthy/);
  });
});
