// No secret leaks: the seed's flow through the extension's commands inside the real VS Code, then a search for every
// client secret it issued in the extension's log output, globalState, workspaceState, settings, the control plane's
// data folder and log, and the workspace. None may be found; the data folder holds only their hashes.
// The team run (`npm run test:integration -- --team`) runs this suite against three replicas on PostgreSQL behind
// nginx, reached by URL; what the control plane keeps is then the team database, searched as pg_dump reads it.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { AuthConfiguration, Component, Organization } from '../../src/api';
import { activeApi, adminToken } from './support';
import { controlPlaneData, findLeaks, placesToSearch } from './leakSearch';

describe("No secret leaks after the seed's flow", function () {
  this.timeout(120_000);
  let api: ChoreoApi;
  const secrets: string[] = [];
  let orgHandle = '';

  before(async () => {
    api = await activeApi();
  });
  after(async () => {
    await api?.connection.shutdown();
  });

  it('runs the flow: organization, consumer, Generate Keys, Regenerate Secret, a connection, Get Test Token, .env', async () => {
    const org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Leak Check Industries' }))!;
    assert.ok(org, api.failures.last?.message);
    orgHandle = org.handle;
    const consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Leak Check App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    const ref = (environment: string) => ({ controlPlane: api.connection.baseUrl, org: org.handle, project: 'default', componentId: consumer.id, environment });
    const target = (environment: string) => ({ orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name, environment });

    for (const env of ['development', 'production']) {
      const auth = await vscode.commands.executeCommand<AuthConfiguration>('choreo.generateKeys', target(env));
      assert.ok(auth, api.failures.last?.message);
      secrets.push((await api.vault.getConsumerSecret(ref(env)))!);
    }
    const again = await vscode.commands.executeCommand<AuthConfiguration>('choreo.regenerateSecret', target('development'), { confirm: true });
    assert.ok(again, api.failures.last?.message);
    secrets.push((await api.vault.getConsumerSecret(ref('development')))!);
    assert.equal(new Set(secrets).size, 3);
    for (const s of secrets) assert.ok(s && s.length >= 32);

    // The sample service, through the management API (as the Create Connection form offers it), then a connection.
    const sample = await fetch(`${api.connection.baseUrl}/api/v1/orgs/${org.handle}/projects/default/sample-service`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken(api)}` },
    });
    const sampleText = await sample.text();
    assert.ok(sample.ok, sampleText);
    const service = JSON.parse(sampleText) as Component;
    const connection = await vscode.commands.executeCommand('choreo.createConnection', target('development'), {
      name: 'Greeting',
      serviceComponentName: service.name,
      endpointName: service.endpoints![0]!.name,
    });
    assert.ok(connection, api.failures.last?.message);

    const check = await vscode.commands.executeCommand<{ ok: boolean; problems: string[] }>('choreo.getTestToken', target('development'), { show: false });
    assert.ok(check, api.failures.last?.message);
    assert.deepEqual(check.problems, []);

    // .env without the secret (the one file a user may ask to hold it is then not an exception either).
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const written = await vscode.commands.executeCommand<{ file: string }>(
        'choreo.writeEnv',
        {
          orgHandle: org.handle,
          projectHandle: 'default',
          componentName: consumer.name,
          componentId: consumer.id,
          connection: { name: 'Greeting' },
          environment: 'development',
        },
        { includeSecret: false },
      );
      assert.ok(written, api.failures.last?.message);
    }
  });

  it('finds none of the issued secrets in logs, mementos, settings, the data folder, its log or the workspace', async () => {
    assert.equal(secrets.length, 3, 'the flow ran');
    // The same search the self-check (leakSearchSelfCheck.test.ts) proves finds a planted canary in each place.
    const places = placesToSearch(api);
    const leaks = findLeaks(secrets, places).map((l) => `${l.place} holds a secret`);
    const journal = controlPlaneData(api)
      .map((p) => p.text)
      .join('\n');
    const hashesFound = secrets.filter((s) => journal.includes(createHash('sha256').update(s).digest('base64url'))).length;
    console.log(
      `  [figures] no secret leaks: ${secrets.length} secrets issued, ${places.length} places searched, ${leaks.length} leaks found; ${hashesFound} of the current secrets' hashes in what the control plane keeps`,
    );
    assert.deepEqual(leaks, []);
    // The data folder does hold the current secrets' hashes (the regenerated-away secret's hash may be compacted out).
    assert.ok(hashesFound >= 2, `only ${hashesFound} hashes found in what the control plane keeps`);
  });

  it('has every write of the flow in the audit log, by the operator, with no secret in it', async () => {
    const res = await fetch(`${api.connection.baseUrl}/api/v1/orgs/${orgHandle}/audit`, { headers: { authorization: `Bearer ${adminToken(api)}` } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const entries = (JSON.parse(text) as { items: Array<{ action: string; actor: { kind: string; name: string }; result: string }> }).items;
    const actions = entries.map((e) => e.action).reverse();
    const c = 'POST /orgs/:org/projects/:project/components';
    for (const a of [
      'POST /orgs',
      c,
      `${c}/:component/auth/:env/generate-keys`,
      `${c}/:component/auth/:env/regenerate-secret`,
      'POST /orgs/:org/projects/:project/sample-service',
      `${c}/:component/connections`,
    ]) {
      assert.ok(actions.includes(a), `${a} is not in the audit log: ${actions.join(', ')}`);
    }
    assert.equal(actions.filter((a) => a.endsWith('/generate-keys')).length, 2);
    for (const e of entries) assert.deepEqual([e.actor.kind, e.actor.name, e.result], ['admin', 'operator (admin token)', 'succeeded'], JSON.stringify(e));
    assert.deepEqual(findLeaks(secrets, [{ file: 'audit log', text }]), []);
  });
});
