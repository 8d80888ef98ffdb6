// The Configure form's Key settings in a real browser (Debian's chromium through playwright-core), wired to its real
// host, which talks to a real control plane.
// VS Code's webview is the edge: a page with the form's bundle and an `acquireVsCodeApi` whose messages go to the host
// and whose saved state lives in sessionStorage, as a webview's survives a reload. A person ticks Authorization Code,
// adds a callback URL and saves; a refused URL is said under its own field, and what was typed survives a reload.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { Component } from '../../../src/api';
import type { UseCaseContext } from '../../../src/useCases/context';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { generateKeys } from '../../../src/useCases/keys';
import { resolveEnvironment } from '../../../src/useCases/targets';
import type { ConfigureAuthenticationPanel as ConfigurePanelType } from '../../../src/webviews/configureAuthentication/host';
import { escapeHtml } from '../../../src/webviews/html';
import type { FormNavigation } from '../../../src/webviews/navigation';
import { launchBrowser } from '../../harness/browser';
import { requireWithFakeVscode } from '../useCases/fakeVscode';
import { startWorld, type World } from '../useCases/world';
import { until } from './fakePanel';

const root = path.join(__dirname, '..', '..', '..');
const { ConfigureAuthenticationPanel } = requireWithFakeVscode<{ ConfigureAuthenticationPanel: typeof ConfigurePanelType }>(
  path.join(root, 'src/webviews/configureAuthentication/host'),
);
const ORG = 'stark-industries';

describe('Configure → Key settings, in a real browser', function () {
  this.timeout(60_000);
  let world: World;
  let ctx: UseCaseContext;
  let consumer: Component;
  let assets: string;
  let site: http.Server;
  let browser: Browser;
  let page: Page;
  /** The host's listener for what the page posts (VS Code's onDidReceiveMessage). */
  let toHost: ((m: unknown) => void) | undefined;
  const fromPage: { type: string; [k: string]: unknown }[] = [];

  before(async () => {
    world = await startWorld();
    ctx = world.ctx;
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(ctx, { orgHandle: ORG, projectHandle: 'default' }, { displayName: 'Stark Web App' });
    await generateKeys(
      ctx,
      await resolveEnvironment(ctx, { orgHandle: ORG, projectHandle: 'default', componentName: consumer.name, environment: 'development' }),
    );

    // The form's bundle, its elements and stylesheet, built as esbuild.config.mjs builds them for dist/webview.
    assets = await mkdtemp(path.join(tmpdir(), 'choreo-key-settings-form-'));
    await esbuild.build({
      entryPoints: {
        configureAuthentication: path.join(root, 'webview-ui/forms/configureAuthentication.ts'),
        elements: path.join(root, 'node_modules/@vscode-elements/elements/dist/bundled.js'),
        forms: path.join(root, 'webview-ui/forms.css'),
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: assets,
      logLevel: 'silent',
    });
    const ref = { orgHandle: ORG, projectHandle: 'default', componentName: consumer.name, environment: 'development' };
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="choreo-ref" content="${escapeHtml(JSON.stringify(ref))}">
<link rel="stylesheet" href="/forms.css">
<script>window.acquireVsCodeApi = () => ({ postMessage: (m) => window.toHost(m), getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null'), setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)) });</script>
<script type="module" src="/elements.js"></script><script type="module" src="/configureAuthentication.js"></script></head>
<body><main id="root" aria-busy="true"></main></body></html>`;
    const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      const file = path.join(assets, path.basename(req.url ?? ''));
      const body = await readFile(file).catch(() => undefined);
      res.writeHead(body ? 200 : 404, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(body);
    };
    site = http.createServer((req, res) => void serve(req, res));
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));

    browser = await launchBrowser();
    page = await browser.newPage();
    await page.exposeFunction('toHost', (m: { type: string }) => {
      fromPage.push(m);
      toHost?.(m);
    });
    const panel = {
      title: '',
      visible: true,
      webview: {
        onDidReceiveMessage: (l: (m: unknown) => void) => ((toHost = l), { dispose() {} }),
        postMessage: async (m: unknown) => (await page.evaluate((msg) => window.postMessage(msg, '*'), m), true),
      },
      onDidChangeViewState: () => ({ dispose() {} }),
      dispose() {},
    };
    const nav = { onDidChange: () => ({ dispose() {} }) } as unknown as FormNavigation;
    new ConfigureAuthenticationPanel(panel as never, ref, ctx, nav);
  });
  after(async () => {
    await browser?.close();
    site?.closeAllConnections();
    site?.close();
    await world?.close();
    if (assets) await rm(assets, { recursive: true, force: true });
  });

  const open = async () => {
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForSelector('body[data-ready="true"] #save-key-settings');
  };
  const typeInto = async (id: string, text: string) => {
    await page.locator(`#${id} input`).fill(text);
  };
  const value = (id: string) => page.locator(`#${id}`).evaluate((el) => (el as HTMLInputElement).value);

  it("shows the defaults of keys that were never changed, and the issuer's endpoints", async () => {
    await open();
    assert.equal(await page.locator('#ks-grant-client_credentials').evaluate((el) => (el as HTMLInputElement).checked), true);
    assert.equal(await page.locator('#ks-grant-authorization_code').evaluate((el) => (el as HTMLInputElement).checked), false);
    assert.equal(await value('ks-expiry-refreshToken'), '86400');
    const endpoints = await page.locator('#ks-endpoints dd').allTextContents();
    const issuer = `${world.client.baseUrl}/oauth2/${ORG}`;
    assert.deepEqual(
      endpoints,
      ['/authorize', '/token', '/revoke', '/userinfo', '/logout', '/.well-known/openid-configuration'].map((p) => issuer + p),
    );
  });

  it('says a refused callback URL under that URL, and keeps what was typed across a reload', async () => {
    await page.locator('#ks-grant-client_credentials').click();
    await page.locator('#ks-grant-authorization_code').click();
    await page.locator('#ks-callbackUrls-add').click();
    await typeInto('ks-callbackUrls-0', 'http://app.example.com/callback');
    await page.locator('#save-key-settings').click();
    await page.waitForSelector('#ks-callbackUrls-0-error:not([hidden])');
    assert.equal(await page.locator('#ks-callbackUrls-0-error').textContent(), 'Use https, or http only on 127.0.0.1, [::1] or localhost.');
    assert.equal(await page.locator('.form-message').textContent(), 'Check the marked fields.');
    assert.equal(await value('ks-callbackUrls-0'), 'http://app.example.com/callback', 'what was typed stays');
    await open();
    assert.equal(await value('ks-callbackUrls-0'), 'http://app.example.com/callback', 'and survives a reload of the page');
    assert.equal(await page.locator('#ks-grant-authorization_code').evaluate((el) => (el as HTMLInputElement).checked), true);
  });

  it('saves Authorization Code with a callback URL, and then shows the settings as saved', async () => {
    await typeInto('ks-callbackUrls-0', 'http://localhost:5173/callback');
    assert.equal(await page.locator('#ks-callbackUrls-0-error').isHidden(), true, "an edit clears the field's error");
    await page.locator('#save-key-settings').click();
    await page.waitForSelector('.form-message.info');
    assert.match(String(await page.locator('.form-message').textContent()), /^Key settings saved/);
    const saved = (await world.client.listAuthConfigurations(ORG, 'default', consumer.name)).find((a) => a.environment === 'development')!.keySettings!;
    assert.deepEqual(saved.grantTypes, ['authorization_code'], 'the control plane has them');
    assert.deepEqual(saved.callbackUrls, ['http://localhost:5173/callback']);
    await until(() => fromPage.some((m) => m.type === 'saveKeySettings'), 'the save');
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem('state') ?? '{}').keySettings), undefined, 'the draft is gone once saved');
    await open();
    assert.equal(await value('ks-callbackUrls-0'), 'http://localhost:5173/callback', 'as the server has it now');
  });
});
