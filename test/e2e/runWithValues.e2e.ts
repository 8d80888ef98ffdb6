// Run and debug with a consumer's connection values, no secret on disk (issue 25), as a person does it: a folder linked
// to its external consumer (the link a teammate committed) and no .env. Generate Keys from the tree (the secret goes
// to SecretStorage), Insert Connection Snippet in JavaScript and in Python, each into a file of the folder, saved; then
//   - a breakpoint in the JavaScript file, the CodeLens "Run with Connection Values", Development: the built-in
//     JavaScript debugger (js-debug, shipped with VS Code) launches it with the `choreo` attribute, stops at the
//     breakpoint with the Greeting Service's answer in hand, and the Debug Console prints it;
//   - Open Terminal with Connection Values from the palette, `python3` the Python file there: the service's answer;
//   - the leak search (test/harness/leakSearch.ts, the integration layer's) over the user-data folder (logs,
//     settings, globalState and workspace state, the control plane's data folder) and the workspace finds the secret
//     nowhere, and there is still no .env.
// The organization comes from the palette and the consumer and its connection from the management API (the forms e2e
// walks those through the UI). Screenshots: test-results/run-<step>.png.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ControlPlaneClient } from '../../src/client/controlPlaneClient';
import { filesUnder, findLeaks } from '../harness/leakSearch';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { copied, createOrganization, expandTreeRow, openChoreoView, pick, runCommand, treeContextMenu } from './steps';

function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === name) return full;
    if (statSync(full).isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

describe('Run and debug with connection values, no secret on disk', function () {
  let workbench: Workbench;
  let page: Page;
  let secret = '';
  const shot = async (step: string) => {
    await page.mouse.move(1100, 17);
    await page.waitForTimeout(400);
    console.log(`      screenshot: ${await workbench.screenshot(`run-${step}`)}`);
  };

  before(async function () {
    this.timeout(300_000);
    workbench = await openWorkbench({
      settings: { 'workbench.colorTheme': 'Default Light Modern', 'terminal.integrated.gpuAcceleration': 'off' },
      files: {
        '.choreo/consumer.json': JSON.stringify({
          controlPlane: 'local',
          organization: 'stark-industries',
          project: 'default',
          externalConsumer: 'stark-mobile-app',
        }),
        // Empty files the snippets go into, at the cursor.
        'greeting-client.js': '',
        'greeting_client.py': '',
      },
    });
    page = workbench.page;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.server.origin });
    await openChoreoView(page);
    await createOrganization(page, 'Stark Industries');
    const dataDir = path.dirname(findFile(workbench.server.userDataDir, 'admin-token')!);
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const { url } = JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
    const client = new ControlPlaneClient({ baseUrl: url, token: async () => token });
    const consumer = await client.createComponent('stark-industries', 'default', {
      displayName: 'Stark Mobile App',
      name: 'stark-mobile-app',
      type: 'external-consumer',
    });
    const service = (await client.listComponents('stark-industries', 'default', { type: 'service' })).items[0]!;
    await client.createConnection('stark-industries', 'default', consumer.name, {
      name: 'Greeting',
      serviceComponentName: service.name,
      endpointName: service.endpoints![0]!.name,
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      console.log(`      screenshot of the failure: ${await workbench.screenshot(`run-failed-${this.currentTest.title.slice(0, 30).replace(/\W+/g, '-')}`)}`);
  });
  after(async () => {
    await workbench?.close();
  });

  it('generates keys from the tree: the secret is kept in SecretStorage only', async () => {
    await runCommand(page, 'Choreo: Refresh');
    await expandTreeRow(page, 'Stark Industries');
    await expandTreeRow(page, 'Default Project');
    await expandTreeRow(page, 'Stark Mobile App');
    await treeContextMenu(page, 'Development', 'Generate Keys');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Keys generated' });
    await toast.waitFor({ timeout: 30_000 });
    secret = await copied(page, () => toast.getByRole('button', { name: 'Copy Secret' }).click());
    assert.ok(secret.length >= 16);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  /** Opens a workspace file as a person does: Go to File, its name, Enter. */
  const openFile = async (name: string) => {
    await runCommand(page, 'Go to File');
    await page.locator('.quick-input-widget input').fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  };

  for (const language of [
    { label: 'JavaScript', file: 'greeting-client.js' },
    { label: 'Python', file: 'greeting_client.py' },
  ]) {
    it(`inserts the ${language.label} snippet from the connection's row into ${language.file} and saves it`, async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(language.file);
      await expandTreeRow(page, 'Connections');
      // A context menu opened while the machine is busy can close unheard: the person opens it again.
      for (let attempt = 1; ; attempt++) {
        try {
          await treeContextMenu(page, 'Greeting', 'Insert Connection Snippet');
          await pick(page, 'Environment for Greeting', 'Development');
          await pick(page, 'Insert Connection Snippet: Greeting', language.label);
          await page.locator('.editor-instance .view-lines', { hasText: 'CHOREO_GREETING' }).first().waitFor({ timeout: 30_000 });
          break;
        } catch (e) {
          if (attempt === 2) throw e;
          await page.keyboard.press('Escape');
        }
      }
      await page.keyboard.press('Escape'); // out of the snippet's placeholder
      await page.keyboard.press('Control+S');
      const file = path.join(workbench.workspace, language.file);
      for (let i = 0; i < 300 && !readFileSync(file, 'utf8').includes('CHOREO_GREETING'); i++) await page.waitForTimeout(200);
      assert.match(readFileSync(file, 'utf8'), /CHOREO_GREETING_CONSUMERSECRET/);
    });
  }

  it('Run with Connection Values (the CodeLens) runs the JavaScript file under the JavaScript debugger: the breakpoint is hit with the answer, which the Debug Console prints', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openFile('greeting-client.js');
    // A breakpoint where the service's answer is printed.
    const lines = readFileSync(path.join(workbench.workspace, 'greeting-client.js'), 'utf8').split('\n');
    const line = lines.findIndex((l) => /console\.log\(/.test(l)) + 1;
    assert.ok(line > 0, 'the snippet prints the answer');
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    await page.keyboard.press('F9');
    await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Home'); // the CodeLens sits above the first line

    const lens = page.locator('.codelens-decoration a', { hasText: 'Run with Connection Values' });
    await lens.waitFor({ timeout: 30_000 });
    await shot('01-codelens');
    await lens.click();
    await pick(page, 'Connection values of stark-mobile-app: environment', 'Development');
    // Paused at the breakpoint: the debugger's stack frame marker on that line.
    await page.locator('.codicon-debug-stackframe').first().waitFor({ timeout: 60_000 });
    await page
      .getByText('Paused on breakpoint', { exact: false })
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(() => undefined);
    await shot('02-breakpoint-hit');
    await page.keyboard.press('F5');
    const repl = page.locator('.repl');
    await repl.getByText('Hello, ', { exact: false }).first().waitFor({ timeout: 60_000 });
    assert.match(await repl.innerText(), /Hello, /);
    await shot('03-debug-console');
    assert.equal(existsSync(path.join(workbench.workspace, '.env')), false, 'no .env was written');
  });

  it("Open Terminal with Connection Values: the Python snippet run there prints the service's answer", async () => {
    await runCommand(page, 'Choreo: Open Terminal with Connection Values');
    await pick(page, 'Connection values of stark-mobile-app: environment', 'Development');
    const terminal = page.locator('.terminal-wrapper.active .xterm-rows, .terminal .xterm-rows').last();
    await terminal.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1000);
    await page.keyboard.type('python3 greeting_client.py\n', { delay: 10 });
    await page.waitForFunction(() => [...document.querySelectorAll('.xterm-rows')].some((e) => /Hello, /.test(e.textContent ?? '')), undefined, {
      timeout: 60_000,
    });
    await shot('04-terminal');
    assert.match(await terminal.innerText(), /Hello, /);
  });

  it('leaves the secret in no file, setting, log or state: the leak search over the user-data folder and the workspace', async () => {
    // What VS Code wrote for this session (settings, logs, globalState and workspace state, the control plane's data
    // folder under globalStorage) and the workspace. SecretStorage itself lives in the workbench page here.
    await page.waitForTimeout(2000);
    // In VS Code in the browser, globalState and workspace state live in the page's IndexedDB: searched too, all but
    // SecretStorage's own entries (the one place the secret belongs).
    const browser = await page.context().storageState({ indexedDB: true });
    const stored = JSON.stringify(browser, (key, value) => (typeof value === 'string' && /^secret:\/\//.test(key) ? '<SecretStorage>' : value));
    const places = [
      ...filesUnder(workbench.server.userDataDir),
      ...filesUnder(workbench.workspace),
      { file: "the workbench page's storage (IndexedDB, localStorage)", text: stored },
    ];
    const leaks = findLeaks([secret], places).map((l) => l.place);
    console.log(
      `      [figures] leak search after Run with Connection Values and the terminal: ${places.length} places searched, ${leaks.length} holding the secret`,
    );
    console.log(
      `      searched: ${places
        .map((p) => path.relative(workbench.server.userDataDir, p.file))
        .filter((f) => !f.startsWith('..'))
        .join(', ')}`,
    );
    console.log(`      browser storage: ${stored.length} characters; ${(stored.match(/secret:\/\//g) ?? []).length} SecretStorage keys`);
    assert.ok(places.some((p) => p.file.endsWith('settings.json')) && places.some((p) => p.file.endsWith('.log')), 'settings and logs were searched');
    assert.ok(/choreo/i.test(stored), "the workbench storage searched holds the extension's state");
    assert.deepEqual(leaks, []);
    assert.equal(existsSync(path.join(workbench.workspace, '.env')), false);
  });
});
