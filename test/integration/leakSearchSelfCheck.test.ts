// The leak search must be able to find something: a canary string (not a secret) is planted in each place the
// no-secret-leaks test searches, and the very same search (./leakSearch) must find it there and only there. Without
// this, a search that reads the wrong folder or serializes settings to "{}" would pass forever.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import { activeApi, waitFor } from './support';
import { controlPlaneDataDir, findLeaks, placesToSearch } from './leakSearch';

const canary = (where: string) => `choreo-leak-canary-${where}-${randomUUID()}`;

/** Where the search finds a string now. */
const foundIn = (api: ChoreoApi, text: string) => findLeaks([text], placesToSearch(api)).map((l) => l.place);

describe('The leak search finds a planted canary in every place it searches', function () {
  this.timeout(60_000);
  let api: ChoreoApi;
  const cleanups: Array<() => unknown> = [];
  let planted = 0;
  let found = 0;

  before(async () => {
    api = await activeApi();
  });
  after(async () => {
    for (const clean of cleanups.reverse()) await clean();
    console.log(`  [figures] leak search self-check: ${planted} canaries planted, ${found} found in the place planted`);
    await api?.connection.shutdown();
  });

  /** Plants, then asserts the search reports the canary in the expected place(s) and in nothing else. */
  async function expectFound(text: string, expected: (place: string) => boolean, what: string): Promise<void> {
    planted++;
    let places: string[] = [];
    // Log files are written a moment later, so the search is retried for a while.
    await waitFor(`the canary in ${what}`, () => (places = foundIn(api, text)).some(expected), 10_000).catch(() => undefined);
    assert.ok(places.some(expected), `the search did not find the canary planted in ${what}; found in: ${places.join(', ') || 'nowhere'}`);
    assert.deepEqual(
      places.filter((p) => !expected(p)),
      [],
      `the canary planted in ${what} was reported elsewhere too`,
    );
    found++;
  }

  it("in the extension's log output (a failed command logs the URL it was given)", async () => {
    const text = canary('log');
    assert.equal(foundIn(api, text).length, 0, 'not there before planting');
    // The extension logs what it was given, never secrets: an invalid URL is quoted in the failure line.
    const result = await vscode.commands.executeCommand('choreo.controlPlane.switch', { url: text });
    assert.equal(result, undefined);
    assert.equal(api.failures.last?.code, 'invalid_url');
    const logDir = api.storage.logUri.fsPath;
    await expectFound(text, (p) => p.startsWith(logDir), 'the log output');
  });

  it('in globalState and in workspaceState', async () => {
    for (const [name, memento] of [
      ['globalState', api.storage.globalState],
      ['workspaceState', api.storage.workspaceState],
    ] as const) {
      const text = canary(name);
      const key = `choreo.test.leakCanary.${randomUUID()}`;
      await memento.update(key, { nested: text });
      cleanups.push(() => memento.update(key, undefined));
      await expectFound(text, (p) => p === name, name);
      await memento.update(key, undefined);
      assert.deepEqual(foundIn(api, text), [], `the canary is gone from ${name} once removed`);
    }
  });

  it('in a choreo.* setting and in another setting', async () => {
    const config = vscode.workspace.getConfiguration();
    const planted = [
      { key: 'choreo.snippets.defaultLanguage', where: (p: string) => p.startsWith('settings ') },
      { key: 'window.title', where: (p: string) => p === 'settings (all)' },
    ];
    for (const { key, where } of planted) {
      const text = canary('setting');
      const before = config.inspect(key)?.globalValue;
      await vscode.workspace.getConfiguration().update(key, text, vscode.ConfigurationTarget.Global);
      cleanups.push(() => vscode.workspace.getConfiguration().update(key, before, vscode.ConfigurationTarget.Global));
      await expectFound(text, where, `the setting ${key}`);
      await vscode.workspace.getConfiguration().update(key, before, vscode.ConfigurationTarget.Global);
    }
  });

  it('in a file in the workspace', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test VS Code opens a workspace folder');
    const text = canary('workspace');
    const file = path.join(folder.uri.fsPath, `leak-canary-${randomUUID()}.txt`);
    writeFileSync(file, `const note = "${text}";\n`);
    cleanups.push(() => rmSync(file, { force: true }));
    await expectFound(text, (p) => p === file, 'a workspace file');
  });

  it("in a file in the control plane's data folder, also base64-encoded (as in Basic credentials)", async () => {
    const dataDir = controlPlaneDataDir(api);
    const text = canary('data');
    const file = path.join(dataDir, `leak-canary-${randomUUID()}.log`);
    writeFileSync(file, `authorization: Basic ${Buffer.from(text).toString('base64')}\n`);
    cleanups.push(() => rmSync(file, { force: true }));
    await expectFound(text, (p) => p === file, 'the data folder (base64)');
    rmSync(file, { force: true });
    assert.deepEqual(foundIn(api, text), [], 'the canary is gone once the file is removed');
  });
});
