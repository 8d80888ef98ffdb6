// In the editor, inside the real VS Code against the real local control plane: a folder linked to its external
// consumer gets completion of the consumer's CHOREO_* variables in each language, a hover that explains one, a
// warning with quick fixes on a name no connection yields, component.yaml references checked with CodeLens, and
// Test Connection through the gateway (200, then 403 once the connection is deleted).
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import type { Component, Organization } from '../../src/api';
import { activeApi, waitFor } from './support';

const VARIABLE = 'CHOREO_GREETING_SERVICEURL';

/** What each language looks like where it reads the environment; `|` is the cursor. */
const READS: { file: string; text: string }[] = [
  { file: 'app.ts', text: 'const url = process.env.|' },
  { file: 'app.js', text: 'const url = process.env["|' },
  { file: 'app.py', text: 'import os\nurl = os.environ.get("|' },
  { file: 'main.go', text: 'package main\n\nimport "os"\n\nfunc main() { _ = os.Getenv("|") }\n' },
  { file: 'App.java', text: 'class App { String u = System.getenv("|"); }\n' },
  { file: 'Program.cs', text: 'var u = System.Environment.GetEnvironmentVariable("|");\n' },
  { file: 'call.sh', text: 'curl "${|' },
  { file: '.env', text: '|' },
];

describe('In the editor: connection variables completed, explained and checked', function () {
  this.timeout(90_000);
  let api: ChoreoApi;
  let org: Organization;
  let consumer: Component;
  let folder: string;
  let dir: string;
  const target = () => ({ orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name });

  async function open(file: string, text: string): Promise<{ doc: vscode.TextDocument; cursor: vscode.Position }> {
    const at = text.indexOf('|');
    const content = at >= 0 ? text.slice(0, at) + text.slice(at + 1) : text;
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    const doc = await vscode.workspace.openTextDocument(full);
    return { doc, cursor: doc.positionAt(at >= 0 ? at : 0) };
  }

  const completions = async (doc: vscode.TextDocument, cursor: vscode.Position) =>
    (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, cursor)).items.map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );

  const warnings = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Choreo');

  before(async () => {
    api = await activeApi();
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    dir = path.join(folder, 'editor-test');
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Editor Org' }))!;
    assert.ok(org, api.failures.last?.message);
    consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Editor App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    assert.ok(await vscode.commands.executeCommand('choreo.generateKeys', { ...target(), environment: 'development' }), api.failures.last?.message);
    const client = await api.connection.client();
    const service = (await client.listComponents(org.handle, 'default', { type: 'service' })).items[0]!;
    assert.ok(service, 'the sample service is in the default project');
    const connection = await vscode.commands.executeCommand('choreo.createConnection', target(), {
      name: 'Greeting',
      serviceComponentName: service.name,
      endpointName: service.endpoints![0]!.name,
    });
    assert.ok(connection, api.failures.last?.message);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(folder, '.choreo'), { recursive: true, force: true });
  });

  it('Write .env records the folder\'s consumer in .choreo/consumer.json: handles and "local", no secret, no path', async () => {
    rmSync(path.join(folder, '.choreo'), { recursive: true, force: true });
    const written = await vscode.commands.executeCommand(
      'choreo.writeEnv',
      { ...target(), componentId: consumer.id, connection: { name: 'Greeting' }, environment: 'development' },
      { includeSecret: false, folder, show: false },
    );
    assert.ok(written, api.failures.last?.message);
    const link = JSON.parse(readFileSync(path.join(folder, '.choreo', 'consumer.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(
      { ...link, $comment: undefined },
      { $comment: undefined, controlPlane: 'local', organization: org.handle, project: 'default', externalConsumer: consumer.name },
    );
    const secret = await api.vault.getConsumerSecret({
      controlPlane: api.connection.baseUrl,
      org: org.handle,
      project: 'default',
      componentId: consumer.id,
      environment: 'development',
    });
    assert.ok(secret && !JSON.stringify(link).includes(secret));
  });

  it('Link Workspace records the consumer in .choreo/consumer.json: handles and "local", no secret, no path', async () => {
    const linked = await vscode.commands.executeCommand<{ file: string }>('choreo.linkWorkspace', target(), { folder });
    assert.ok(linked, api.failures.last?.message);
    const link = JSON.parse(readFileSync(path.join(folder, '.choreo', 'consumer.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(
      { ...link, $comment: undefined },
      { $comment: undefined, controlPlane: 'local', organization: org.handle, project: 'default', externalConsumer: consumer.name },
    );
    assert.doesNotMatch(JSON.stringify(link), new RegExp(folder.replace(/[/\\^$.*+?()[\]{}|]/g, '\\$&')));
  });

  for (const { file, text } of READS) {
    it(`completes the consumer's variables in ${file}`, async () => {
      const { doc, cursor } = await open(file, text);
      let labels: string[] = [];
      await waitFor(`completion in ${file}`, async () => (labels = await completions(doc, cursor)).includes(VARIABLE), 20_000);
      for (const key of ['SERVICEURL', 'CONSUMERKEY', 'CONSUMERSECRET', 'TOKENURL'])
        assert.ok(labels.includes(`CHOREO_GREETING_${key}`), `${key} in ${labels.join(', ')}`);
    });
  }

  it('offers nothing where no variable is read', async () => {
    const { doc, cursor } = await open('plain.ts', 'const greeting = "|');
    await completions(doc, cursor); // let the providers answer once
    assert.ok(!(await completions(doc, cursor)).includes(VARIABLE));
  });

  it('explains a variable on hover: connection, endpoint, values per environment, never the secret', async () => {
    const { doc } = await open('hover.ts', `const url = process.env.${VARIABLE};\n`);
    const at = doc.positionAt(doc.getText().indexOf(VARIABLE) + 3);
    let text = '';
    await waitFor('a hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- Hover.contents still types the old MarkedString, so the test reads both
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
      return text.includes('Greeting');
    });
    assert.match(text, /ServiceURL of connection \*\*Greeting\*\*/);
    assert.match(text, /\*\*Development\*\*/);
    assert.match(text, /\*\*Production\*\*/);
    assert.match(text, /\/gw\/editor-org\//);
    assert.match(text, /ConsumerSecret: kept in SecretStorage/);
    const secret = await api.vault.getConsumerSecret({
      controlPlane: api.connection.baseUrl,
      org: org.handle,
      project: 'default',
      componentId: consumer.id,
      environment: 'development',
    });
    assert.ok(secret);
    assert.ok(!text.includes(secret));
  });

  it('warns on a name no connection yields, and its quick fix changes it to the near one', async () => {
    const { doc } = await open('typo.py', 'import os\nurl = os.environ["CHOREO_GREETNG_SERVICEURL"]\n');
    await waitFor('the warning', () => warnings(doc.uri).length === 1, 20_000);
    const [warning] = warnings(doc.uri);
    assert.match(warning!.message, /No connection of editor-app yields CHOREO_GREETNG_SERVICEURL\. Did you mean CHOREO_GREETING_SERVICEURL\?/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, warning!.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Change to CHOREO_GREETING_SERVICEURL'), titles.join(', '));
    assert.ok(
      titles.some((t) => t.startsWith('Create Connection for editor-app')),
      titles.join(', '),
    );
    // Create Connection opens the form with a name that yields the variable the code reads.
    const create = actions.find((a) => a.title.startsWith('Create Connection for editor-app'))!;
    assert.deepEqual(create.command?.arguments?.[1], { name: 'Greetng' });
    const change = actions.find((a) => a.title === 'Change to CHOREO_GREETING_SERVICEURL')!;
    assert.ok(await vscode.workspace.applyEdit(change.edit!));
    assert.match(doc.getText(), /os\.environ\["CHOREO_GREETING_SERVICEURL"\]/);
    await waitFor('the warning to go', () => warnings(doc.uri).length === 0, 10_000);
  });

  it('checks component.yaml references against the control plane, with CodeLens on each', async () => {
    const client = await api.connection.client();
    const service = (await client.listComponents(org.handle, 'default', { type: 'service' })).items[0]!;
    const endpoint = service.endpoints![0]!;
    const ref = `service:/default/${service.name}/v1/${endpoint.name}/${endpoint.visibility.toUpperCase()}`;
    const { doc } = await open(
      '../.choreo/component.yaml',
      `schemaVersion: 1.2\ndependencies:\n  connectionReferences:\n    - name: Greeting\n      resourceRef: ${ref}\n    - name: payments\n      resourceRef: service:/default/payments/v1/api/PUBLIC\n`,
    );
    await waitFor('the reference warning', () => warnings(doc.uri).length === 1, 20_000);
    assert.match(
      warnings(doc.uri)[0]!.message,
      /service:\/default\/payments\/v1\/api\/PUBLIC resolves to no service endpoint: Organization editor-org has no service "payments"/,
    );
    assert.equal(warnings(doc.uri)[0]!.range.start.line, 6);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}`);
    assert.ok(titles.includes('4:Open Overview') && titles.includes('4:Test Connection') && titles.includes('6:Open Overview'), titles.join(', '));
    assert.ok(!titles.includes('6:Test Connection'));
  });

  it('Test Connection calls through the gateway (200); once the connection is deleted it says so, and its names warn', async () => {
    const connection = { ...target(), componentId: consumer.id, connection: { name: 'Greeting' }, environment: 'development' };
    const ok = await vscode.commands.executeCommand<{ status: number; body: string; report: string }>('choreo.testConnection', connection, {
      method: 'GET',
      path: '/greeting?name=Ada',
      show: false,
    });
    assert.ok(ok, api.failures.last?.message);
    assert.equal(ok.status, 200, ok.body);
    assert.match(ok.body, /Hello, Ada!/);
    assert.match(ok.report, /GET http:\/\/127\.0\.0\.1:\d+\/gw\/editor-org\/.*\/greeting\?name=Ada\*\* → \*\*200/);

    const { doc } = await open('uses.ts', `const url = process.env.${VARIABLE};\n`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(warnings(doc.uri).length, 0);

    // Deleted (the 403 the gateway then gives a stale call is tested in test/unit/useCases/testConnection.test.ts).
    await vscode.commands.executeCommand('choreo.delete', connection, { confirm: true });
    const refused = await vscode.commands.executeCommand('choreo.testConnection', connection, { method: 'GET', path: '/', show: false });
    assert.equal(refused, undefined);
    assert.equal(api.failures.last?.code, 'not_found');
    await waitFor("the deleted connection's names to warn", () => warnings(doc.uri).length === 1, 20_000);
  });

  it('Unlink Workspace removes the link and the checks stop', async () => {
    assert.equal(await vscode.commands.executeCommand('choreo.unlinkWorkspace', undefined, { folder }), true);
    assert.ok(!existsSync(path.join(folder, '.choreo', 'consumer.json')));
    const { doc } = await open('after.ts', 'const u = process.env.CHOREO_NOTHING_SERVICEURL;\n');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(warnings(doc.uri).length, 0);
  });

  it('a link that arrives from outside VS Code (git pull) is picked up', async () => {
    writeFileSync(
      path.join(folder, '.choreo', 'consumer.json'),
      JSON.stringify({ controlPlane: 'local', organization: org.handle, project: 'default', externalConsumer: consumer.name }),
    );
    // Its connection was deleted above, so a CHOREO_ name in code is now flagged: the link was read.
    const { doc } = await open('pulled.ts', 'const u = process.env.CHOREO_GREETING_SERVICEURL;\n');
    await waitFor('the pulled link to be read', () => warnings(doc.uri).length === 1, 20_000);
  });
});
