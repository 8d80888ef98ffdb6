// The `choreo` launch attribute inside the real VS Code, with the built-in JavaScript debugger: a launch of a folder
// whose consumer has no keys in the environment does not start, and the user is told which variables are missing with
// Generate Keys to fix it; after Generate Keys the same launch starts and the program sees the values (the secret
// compared by its SHA-256, so the program writes no secret), the configuration's own value kept. Open Terminal with
// Connection Values opens a transient terminal.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { Component, Organization } from '../../src/api';
import { activeApi, adminToken, waitFor } from './support';

// Writes the CHOREO_* variables it was started with to the file named by its argument, the secret as its SHA-256.
const REPORT = `const { createHash } = require('node:crypto');
const seen = Object.entries(process.env).filter(([k]) => k.startsWith('CHOREO_'))
  .map(([k, v]) => [k, k.endsWith('_CONSUMERSECRET') ? 'sha256:' + createHash('sha256').update(v).digest('hex') : v]);
require('node:fs').writeFileSync(process.argv[2], JSON.stringify(Object.fromEntries(seen)));
`;

describe('Launch with connection values (the choreo attribute, js-debug)', function () {
  this.timeout(90_000);
  let api: ChoreoApi;
  let org: Organization;
  let consumer: Component;
  let folder: vscode.WorkspaceFolder;
  let program: string;
  let out: string;
  let linkBefore: string | undefined;
  const linkFile = () => path.join(folder.uri.fsPath, '.choreo', 'consumer.json');
  const target = () => ({ orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name });
  const launch = (env?: Record<string, string>) =>
    vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name: 'report',
      program,
      args: [out],
      ...(env ? { env } : {}),
      choreo: { environment: 'development' },
    });

  before(async () => {
    api = await activeApi();
    folder = vscode.workspace.workspaceFolders![0]!;
    linkBefore = existsSync(linkFile()) ? readFileSync(linkFile(), 'utf8') : undefined;
    const scratch = mkdtempSync(path.join(process.env.CHOREO_TEST_SCRATCH ?? os.tmpdir(), 'launch-'));
    out = path.join(scratch, 'seen.json');
    mkdirSync(path.join(folder.uri.fsPath, 'launch-test'), { recursive: true });
    program = path.join(folder.uri.fsPath, 'launch-test', 'report.js');
    writeFileSync(program, REPORT);
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Launch Org' }))!;
    assert.ok(org, api.failures.last?.message);
    consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Launch App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    const res = await fetch(`${api.connection.baseUrl}/api/v1/orgs/${org.handle}/projects/default/components?type=service`, {
      headers: { authorization: `Bearer ${adminToken(api)}` },
    });
    const service = ((await res.json()) as { items: Component[] }).items[0]!;
    assert.ok(
      await vscode.commands.executeCommand('choreo.createConnection', target(), {
        name: 'Greeting',
        serviceComponentName: service.name,
        endpointName: service.endpoints![0]!.name,
      }),
      api.failures.last?.message,
    );
    assert.ok(await vscode.commands.executeCommand('choreo.linkWorkspace', target(), { folder: folder.uri.fsPath }), api.failures.last?.message);
  });
  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Choreo:')) t.dispose();
    rmSync(path.join(folder.uri.fsPath, 'launch-test'), { recursive: true, force: true });
    if (linkBefore === undefined) rmSync(linkFile(), { force: true });
    else writeFileSync(linkFile(), linkBefore);
  });

  it('does not start without keys in the environment, and says which variables are missing, with Generate Keys', async () => {
    const started = await launch();
    assert.equal(started, false, 'the launch was abandoned');
    assert.equal(vscode.debug.activeDebugSession, undefined);
    const failure = api.failures.last!;
    assert.equal(failure.command, 'choreo.launch');
    assert.equal(failure.code, 'not_configured');
    assert.match(
      failure.message,
      /^Not started: CHOREO_GREETING_CONSUMERSECRET, CHOREO_GREETING_CONSUMERKEY have no value\. Launch App has no keys in Development/,
    );
    assert.equal(failure.actions[0], 'Generate Keys');
    assert.equal(existsSync(out), false, 'the program never ran');
  });

  it('after Generate Keys, starts under the JavaScript debugger: the program sees the values, the secret from SecretStorage, and the value the configuration sets', async () => {
    assert.ok(await vscode.commands.executeCommand('choreo.generateKeys', { ...target(), environment: 'development' }), api.failures.last?.message);
    const secret = (await api.vault.getConsumerSecret({
      controlPlane: api.connection.baseUrl,
      org: org.handle,
      project: 'default',
      componentId: consumer.id,
      environment: 'development',
    }))!;
    assert.ok(secret);
    const started = await launch({ CHOREO_GREETING_SERVICEURL: 'http://localhost:1/mine' });
    assert.equal(started, true, api.failures.last?.message);
    await waitFor('the program to report what it saw', () => existsSync(out), 60_000);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    assert.equal(seen.CHOREO_GREETING_SERVICEURL, 'http://localhost:1/mine', "the configuration's own value wins");
    assert.equal(seen.CHOREO_GREETING_CONSUMERSECRET, `sha256:${createHash('sha256').update(secret).digest('hex')}`);
    assert.match(seen.CHOREO_GREETING_TOKENURL ?? '', /\/oauth2\/token$|token/);
    assert.ok(seen.CHOREO_GREETING_CONSUMERKEY);
    assert.ok(!readFileSync(path.join(folder.uri.fsPath, '.choreo', 'consumer.json'), 'utf8').includes(secret));
  });

  it('Open Terminal with Connection Values opens a transient terminal with the values, and returns their names only', async () => {
    const result = await vscode.commands.executeCommand<{ terminal: string; variables: string[] }>('choreo.openTerminalWithConnectionValues', undefined, {
      environment: 'development',
    });
    assert.ok(result, api.failures.last?.message);
    assert.deepEqual([...result.variables].sort(), [
      'CHOREO_GREETING_CONSUMERKEY',
      'CHOREO_GREETING_CONSUMERSECRET',
      'CHOREO_GREETING_SERVICEURL',
      'CHOREO_GREETING_TOKENURL',
    ]);
    const terminal = vscode.window.terminals.find((t) => t.name === result.terminal)!;
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.isTransient, true, 'not revived (with its environment) after a reload');
    assert.deepEqual(Object.keys(options.env ?? {}).sort(), [...result.variables].sort());
  });
});
