// Issue 26: the extension as a new user gets it. `npm run package` makes the .vsix; code-server's
// --install-extension installs it into a fresh extensions folder; the workbench opens with that installed copy (no
// development path) and a person walks the first run: the icon in the Extensions view, the details page with its
// pictures loaded, the Choreo view, a consumer created. Then the local control plane's lifecycle from the palette:
// an upgrade (a newer build installed over it, the window reloaded: the control plane answers with the newer version),
// Stop (nothing listens), Clean (no data left). Last, Restricted Mode: the tree works, .env is refused naming trust.
// Screenshots: test-results/marketplace-*.png.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { installExtension } from '../harness/codeServer';
import { packageAs, packageRelease, vsixFiles, vsixText } from '../harness/packageVsix';
import { freePort, tempDir } from '../harness/processes';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { repoRoot } from '../harness/codeServer';
import { answerDialog, createExternalConsumer, createOrganization, expandTreeRow, form, openChoreoView, runCommand } from './steps';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; publisher: string; name: string };
/** The name the Extensions view shows: package.json holds `%displayName%`, its English text is in package.nls.json. */
const displayName = (JSON.parse(readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8')) as { displayName: string }).displayName;
/** A newer version than this build's: the upgrade test's build B. */
const NEWER = manifest.version.replace(/(\d+)$/, (patch) => String(Number(patch) + 1));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function healthVersion(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return ((await res.json()) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T;
  do {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  } while (Date.now() < deadline);
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${ms / 1000} s`);
}

/** Markdown link and image targets: `[text](target)` and `![alt](target)`. */
function linkTargets(markdown: string): string[] {
  return [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)].map((m) => m[1]!);
}

describe('The packaged extension, installed from its .vsix', function () {
  let vsix: string;
  let newer: string;
  let dirs: { userDataDir: string; extensionsDir: string };
  let workbench: Workbench;
  let page: Page;
  let port: number;
  const shot = async (step: string) => {
    await page.mouse.move(1100, 17);
    await page.waitForTimeout(400);
    console.log(`      screenshot: ${await workbench.screenshot(`marketplace-${step}`)}`);
  };
  const dataFolder = () => path.join(dirs.userDataDir, 'User', 'globalStorage', `${manifest.publisher}.${manifest.name}`, 'control-plane');

  before(async function () {
    this.timeout(600_000);
    // The newer build first: packaging the release last leaves dist/ as `npm run package` makes it.
    newer = await packageAs(NEWER);
    vsix = await packageRelease();
    dirs = { userDataDir: await tempDir('user-data'), extensionsDir: await tempDir('extensions') };
    port = await freePort();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot of the failure: ${await workbench.screenshot('marketplace-failed')}`);
  });
  after(async () => {
    await workbench?.close();
  });

  it('packages an icon, a changelog, the details page and its pictures, and nothing that dangles', () => {
    const files = vsixFiles(vsix);
    for (const f of ['extension/media/icon.png', 'extension/readme.md', 'extension/changelog.md', 'extension/package.json'])
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
      'no source maps shipped',
    );
    for (const f of ['extension/package.nls.json', 'extension/l10n/bundle.l10n.json']) assert.ok(files.includes(f), `${f}: the English strings ship`);
    assert.deepEqual(
      files.filter((f) => f.includes('qps-ploc')),
      [],
      'the pseudo-locale files are for tests and stay out',
    );
    for (const js of files.filter((f) => f.startsWith('extension/dist/') && f.endsWith('.js'))) {
      assert.doesNotMatch(vsixText(vsix, js), /sourceMappingURL/, `${js} names no source map`);
    }
    const shipped = JSON.parse(vsixText(vsix, 'extension/package.json')) as Record<string, unknown>;
    assert.equal(shipped.icon, 'media/icon.png');
    assert.equal(shipped.preview, true);
    assert.ok((shipped.keywords as string[]).length >= 5);
    assert.doesNotMatch(JSON.stringify(shipped), /example\.invalid/);
    const readme = vsixText(vsix, 'extension/readme.md');
    assert.match(readme, /Not affiliated with WSO2/);
    assert.doesNotMatch(readme, /npm ci|npm start|PostgreSQL 13|nginx/, 'the details page is for users, not operators');
    const targets = linkTargets(readme);
    // The installed details page loads images from https: and data: only, and there is no https host yet: inlined.
    assert.ok(targets.filter((t) => t.startsWith('data:image/png;base64,')).length >= 3, 'three pictures, inlined');
    for (const target of targets.filter((t) => !t.startsWith('data:image/png;base64,'))) {
      assert.doesNotMatch(target, /^[a-z]+:/i, `${target}: only links into the package resolve from the installed extension, offline too`);
      assert.ok(files.includes(`extension/${target}`), `${target} is in the package`);
    }
  });

  it('installs with code-server --install-extension into a fresh extensions folder', () => {
    const out = installExtension(vsix, dirs);
    assert.match(out, /successfully installed/);
    assert.ok(existsSync(path.join(dirs.extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`, 'dist', 'extension.js')));
  });

  it('shows its icon in the Extensions view, from the installed copy', async () => {
    workbench = await openWorkbench({ installed: dirs, controlPlanePort: port });
    page = workbench.page;
    // The Extensions view lists what is installed when its search is empty.
    await runCommand(page, 'View: Show Extensions');
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: displayName }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    const icon = row.locator('img.icon');
    await until(
      'the icon loads',
      () => icon.evaluate((img) => [(img as HTMLImageElement).complete, (img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).src] as const),
      ([done, width]) => done && width === 128,
    );
    // Served by code-server from the installed folder (the path may be URL-encoded in a query).
    assert.match(decodeURIComponent((await icon.getAttribute('src')) ?? ''), /extensions.*media\/icon\.png/);
    await shot('01-extensions-view');
  });

  it('shows the details page with its pictures loaded', async () => {
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: displayName }).first().click();
    // The README is a webview: VS Code draws it over the editor, outside the editor's own element.
    await page.locator('.extension-editor').waitFor({ timeout: 30_000 });
    const details = form(page);
    await details.getByText('Not affiliated with WSO2.').waitFor({ timeout: 60_000 });
    const images = details.locator('img');
    await until(
      'the pictures load',
      () => images.evaluateAll((all) => all.map((img) => ((img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : 0))),
      (widths) => widths.length >= 3 && widths.every((w) => w > 0),
    );
    await shot('02-details-page');
  });

  it('opens the Choreo view and creates a consumer, with the control plane of the installed copy', async () => {
    await openChoreoView(page);
    await createOrganization(page, 'Stark Industries');
    await expandTreeRow(page, 'Stark Industries');
    await expandTreeRow(page, 'Default Project');
    await createExternalConsumer(page, 'Stark Mobile App');
    await page.locator('.part.sidebar').getByText('Stark Mobile App').first().waitFor({ timeout: 30_000 });
    assert.equal(await healthVersion(port), manifest.version);
    await shot('03-consumer-created');
  });

  it('upgrade: a newer build installed and the window reloaded, its control plane answers with the newer version', async () => {
    const before = await healthVersion(port);
    assert.equal(before, manifest.version);
    assert.match(installExtension(newer, dirs), /successfully installed/);
    await page.reload();
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    await openChoreoView(page);
    // B restarts the control plane by itself when no other window uses it. code-server may keep the reloaded page's
    // old extension host alive a moment, which B then counts as another window: it says so and offers the restart.
    const offer = page.locator('.notifications-toasts .notification-toast', { hasText: 'Restart It Now' });
    const upgraded = await until(
      '/healthz version, or the offer to restart',
      async () => ((await healthVersion(port)) === NEWER ? 'restarted' : (await offer.isVisible()) ? 'offered' : 'waiting'),
      (v) => v !== 'waiting',
    );
    if (upgraded === 'offered') {
      console.log('      (another window was still counted: the offer was shown and taken)');
      await offer.getByRole('button', { name: 'Restart It Now' }).click();
    }
    assert.equal(
      await until(
        '/healthz version',
        () => healthVersion(port),
        (v) => v === NEWER,
      ),
      NEWER,
    );
    // The data survived the restart: the organization is still there.
    await page.locator('.part.sidebar').getByText('Stark Industries').first().waitFor({ timeout: 30_000 });
    // Build B's manifest strings come from its own package.nls.json: a view showing %keys% means it did not ship.
    assert.doesNotMatch(await page.locator('.part.sidebar').innerText(), /%[\w.]+%/, 'the view shows its texts, not their keys');
    await shot('04-upgraded');
  });

  it('Stop leaves nothing listening, and the view offers Start', async () => {
    await runCommand(page, 'Choreo: Stop Local Control Plane');
    await page.locator('.part.sidebar').getByText('The local control plane is stopped.').waitFor({ timeout: 30_000 });
    assert.equal(await listening(port), false);
    // The watchdog does not bring it back.
    await page.waitForTimeout(7_000);
    assert.equal(await listening(port), false);
    await shot('05-stopped');
  });

  it('Clean names what goes, then leaves no data', async () => {
    await runCommand(page, 'Choreo: Start Local Control Plane');
    await until(
      'started again',
      () => listening(port),
      (v) => v,
    );
    await runCommand(page, 'Choreo: Clean Local Control Plane Data');
    const text = await answerDialog(page, 'Delete Data');
    assert.match(text, /Stark Industries/);
    assert.match(text, /SecretStorage/);
    assert.ok(text.includes(dataFolder()), `names ${dataFolder()}: ${text}`);
    await until(
      'the data folder is gone',
      async () => existsSync(dataFolder()),
      (there) => !there,
    );
    assert.equal(await listening(port), false);
    await page.locator('.part.sidebar').getByText('The local control plane is stopped.').waitFor({ timeout: 30_000 });
    await shot('06-cleaned');
  });
});

describe('Restricted Mode, with the installed extension', function () {
  let workbench: Workbench;
  let page: Page;

  before(async function () {
    this.timeout(600_000);
    const dirs = { userDataDir: await tempDir('user-data'), extensionsDir: await tempDir('extensions') };
    installExtension(path.join(repoRoot, 'dist', 'choreo-external-consumers.vsix'), dirs);
    workbench = await openWorkbench({
      installed: dirs,
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
    });
    page = workbench.page;
  });
  after(async () => {
    await workbench?.close();
  });

  it('shows the Choreo view and its tree in an untrusted folder, and refuses .env and a terminal with connection values naming trust', async () => {
    await page.getByText('Restricted Mode').first().waitFor({ timeout: 30_000 });
    await openChoreoView(page);
    await createOrganization(page, 'Stark Industries');
    await runCommand(page, 'Choreo: Write Connection Config to .env');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'trust' });
    await toast.waitFor({ timeout: 30_000 });
    assert.match((await toast.textContent()) ?? '', /Writing \.env waits until you trust this folder/);
    // A terminal with the consumer's secret would hand it to whatever the untrusted folder runs.
    await runCommand(page, 'Choreo: Open Terminal with Connection Values');
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Opening a terminal with connection values waits until you trust' })
      .waitFor({ timeout: 30_000 });
    console.log(`      screenshot: ${await workbench.screenshot('marketplace-07-restricted-mode')}`);
  });
});
