// The files a connection writes into the workspace besides .env, inside the real VS Code against the real local
// control plane: Insert Snippet records the connection in the folder's .choreo/component.yaml when the folder has one
// (keeping the file's comments; a folder without one gets none), and Write config.js for a Browser App writes the
// web app's window.configs for one environment, without the secret, refused while there are no keys.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { AuthConfiguration, Component, Connection, IdentityProvider, Organization } from '../../src/api';
import type { ChoreoApi } from '../../src/extension';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../snippets/fixtures/externalIdentityProvider';
import { activeApi } from './support';

const COMPONENT_YAML = `# The Stark web app, deployed by Choreo: keep this comment.
schemaVersion: 1.2
`;

describe('Connection files: component.yaml and config.js', function () {
  this.timeout(60_000);
  let api: ChoreoApi;
  let org: Organization;
  let consumer: Component;
  let service: Component;
  let connection: Connection;
  let folder: string;
  let idp: ExternalIdentityProvider | undefined;
  const yamlFile = () => path.join(folder, '.choreo', 'component.yaml');
  const configJs = () => path.join(folder, 'config.js');
  const target = (environment = 'development') => ({ orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name, connection, environment });

  before(async () => {
    api = await activeApi();
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Files Org' }))!;
    assert.ok(org, api.failures.last?.message);
    consumer = (await vscode.commands.executeCommand<Component>(
      'choreo.createExternalConsumer',
      { orgHandle: org.handle, projectHandle: 'default' },
      { displayName: 'Stark Web App', openOverview: false },
    ))!;
    assert.ok(consumer, api.failures.last?.message);
    const client = await api.connection.client();
    service = (await client.listComponents(org.handle, 'default', { type: 'service' })).items[0]!;
    connection = (await vscode.commands.executeCommand<Connection>(
      'choreo.createConnection',
      { orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name },
      { name: 'Greeting', serviceComponentName: service.name, endpointName: service.endpoints![0]!.name },
    ))!;
    assert.ok(connection, api.failures.last?.message);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(path.join(folder, '.choreo'), { recursive: true, force: true });
    rmSync(configJs(), { force: true });
    // The suites share one local control plane, and the next one starts from an empty one.
    if (org) await (await api.connection.client()).deleteOrganization(org.handle);
    await idp?.close();
    await vscode.commands.executeCommand('choreo.refresh');
  });

  it("Insert Snippet records the connection in the folder's .choreo/component.yaml, keeping its comment; again, it is there once", async () => {
    mkdirSync(path.dirname(yamlFile()), { recursive: true });
    writeFileSync(yamlFile(), COMPONENT_YAML);
    const inserted = await vscode.commands.executeCommand<{ componentYaml?: string }>('choreo.insertConnectionSnippet', target(), {
      language: 'javascript',
      where: 'untitled',
    });
    assert.ok(inserted, api.failures.last?.message);
    assert.equal(inserted.componentYaml, 'added');
    const text = readFileSync(yamlFile(), 'utf8');
    assert.ok(text.startsWith('# The Stark web app, deployed by Choreo: keep this comment.'), text);
    const endpoint = service.endpoints![0]!;
    assert.deepEqual(parse(text).dependencies.connectionReferences, [
      { name: 'Greeting', resourceRef: `service:/default/${service.name}/v1/${endpoint.name}/${endpoint.visibility.toUpperCase()}` },
    ]);
    const again = await vscode.commands.executeCommand<{ componentYaml?: string }>('choreo.insertConnectionSnippet', target(), {
      language: 'python',
      where: 'untitled',
    });
    assert.equal(again?.componentYaml, 'unchanged');
    assert.equal(readFileSync(yamlFile(), 'utf8'), text);
  });

  it('a folder without a component.yaml gets none from Insert Snippet', async () => {
    rmSync(yamlFile(), { force: true });
    const inserted = await vscode.commands.executeCommand<{ componentYaml?: string }>('choreo.insertConnectionSnippet', target(), {
      language: 'javascript',
      where: 'untitled',
    });
    assert.ok(inserted, api.failures.last?.message);
    assert.equal(inserted.componentYaml, undefined);
    assert.equal(existsSync(yamlFile()), false);
  });

  it('Write config.js is refused while the consumer has no keys, naming what is missing, and writes nothing', async () => {
    const written = await vscode.commands.executeCommand('choreo.writeBrowserConfig', target(), { show: false });
    assert.equal(written, undefined);
    assert.equal(api.failures.last?.code, 'not_configured');
    assert.match(api.failures.last!.message, /ConsumerKey/);
    assert.equal(existsSync(configJs()), false);
  });

  it('Write config.js after Generate Keys: the service URL, token URL and Client ID of the environment, no secret', async () => {
    const auth = (await vscode.commands.executeCommand<AuthConfiguration>('choreo.generateKeys', {
      orgHandle: org.handle,
      projectHandle: 'default',
      componentName: consumer.name,
      environment: 'development',
    }))!;
    assert.ok(auth, api.failures.last?.message);
    const written = await vscode.commands.executeCommand<{ file: string }>('choreo.writeBrowserConfig', target(), { show: false });
    assert.ok(written, api.failures.last?.message);
    assert.equal(written.file, configJs());
    const text = readFileSync(configJs(), 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the written config.js as a page would, to read what it sets
    const configs = new Function('window', `${text}; return window.configs;`)({}) as Record<string, string>;
    assert.deepEqual(Object.keys(configs), ['apiUrl', 'tokenUrl', 'consumerKey']);
    assert.equal(configs.consumerKey, auth.clientId);
    assert.match(configs.apiUrl!, new RegExp(`/gw/${org.handle}/default/.+/development$`));
    assert.equal(configs.tokenUrl, auth.tokenUrl);
    const secret = await api.vault.getConsumerSecret({
      controlPlane: api.connection.baseUrl,
      org: org.handle,
      project: 'default',
      componentId: consumer.id,
      environment: 'development',
    });
    assert.ok(secret && !text.includes(secret), 'no secret in config.js');
    assert.equal(existsSync(path.join(folder, 'index.html')), false, 'no sign-in page for keys that sign no one in');
  });

  it('Insert Snippet refuses a sign-in snippet while the keys allow only Client Credentials, and inserts nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const inserted = await vscode.commands.executeCommand('choreo.insertConnectionSnippet', target(), {
      language: 'native-app-openid-client',
      where: 'untitled',
    });
    assert.equal(inserted, undefined);
    assert.equal(api.failures.last?.code, 'sign_in_not_allowed');
    assert.match(api.failures.last!.message, /allow Authorization Code/);
    assert.equal(vscode.window.activeTextEditor, undefined, 'no document was opened');
  });

  it('with keys of an external provider, Insert Snippet inserts the native app reading CHOREO_GREETING_ISSUERURL, and config.js gains issuerUrl', async () => {
    const env = { orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name, environment: 'development' };
    await vscode.commands.executeCommand('choreo.removeKeys', env, { confirm: true });
    idp = await startExternalIdentityProvider();
    const provider = await vscode.commands.executeCommand<IdentityProvider>(
      'choreo.addIdentityProvider',
      { orgHandle: org.handle },
      { name: 'Stark IdP', wellKnownUrl: idp.wellKnownUrl },
    );
    assert.ok(provider, api.failures.last?.message);
    const auth = await vscode.commands.executeCommand<AuthConfiguration>('choreo.addKeys', env, { identityProviderId: provider.id, clientId: 'stark-web-app' });
    assert.ok(auth, api.failures.last?.message);
    const inserted = await vscode.commands.executeCommand<{ language: string }>('choreo.insertConnectionSnippet', target(), {
      language: 'native-app-openid-client',
      where: 'untitled',
    });
    assert.ok(inserted, api.failures.last?.message);
    assert.equal(inserted.language, 'native-app-openid-client');
    const code = vscode.window.activeTextEditor!.document.getText();
    assert.match(code, /requireEnv\('CHOREO_GREETING_ISSUERURL'\)/);
    assert.ok(!code.includes('CONSUMERSECRET'), 'a native app keeps no secret');
    const written = await vscode.commands.executeCommand<{ file: string; page?: string }>('choreo.writeBrowserConfig', target(), { show: false });
    assert.ok(written, api.failures.last?.message);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the written config.js as a page would, to read what it sets
    const configs = new Function('window', `${readFileSync(configJs(), 'utf8')}; return window.configs;`)({}) as Record<string, string>;
    assert.deepEqual(Object.keys(configs), ['apiUrl', 'tokenUrl', 'consumerKey', 'issuerUrl'], 'no redirectUrl: the external provider keeps its callback URLs');
    assert.equal(configs.issuerUrl, idp.issuer);
    assert.equal(configs.consumerKey, 'stark-web-app');
    // Keys that sign people in: the Browser App snippet's page beside config.js, loading config.js before app.js.
    const index = path.join(folder, 'index.html');
    assert.equal(written.page, index);
    const page = readFileSync(index, 'utf8');
    assert.ok(page.indexOf('<script src="config.js">') < page.indexOf('<script type="module" src="app.js">'), page);
    for (const id of ['user', 'sign-in', 'sign-out', 'call', 'answer']) assert.match(page, new RegExp(`id="${id}"`));
    // A page of the user's own is never replaced.
    writeFileSync(index, '<!doctype html><p>mine</p>');
    const again = await vscode.commands.executeCommand<{ file: string; page?: string }>('choreo.writeBrowserConfig', target(), { show: false });
    assert.equal(again?.page, undefined);
    assert.equal(readFileSync(index, 'utf8'), '<!doctype html><p>mine</p>');
  });
});
