// Bring your own service (issue 15), walked through the UI only (clicks and keys in the test VS Code): a real service
// of the test's own (node:http on a free port, recording what it gets) registered through the Create Service form
// ("My service runs at" its URL; a bad URL first, refused under the field; the form says the URL answered) → its
// Service Overview → an external consumer with Generate Keys → Create Connection to the new service → Write .env and
// Insert Snippet (JavaScript) from the connection's row → the snippet run OUTSIDE VS Code with that .env: the test
// service sees the call with the gateway's X-Forwarded-* headers and no Authorization header → the upstream URL changed
// in the Service Overview to a second test service: the next run reaches that one → the consumer's link there opens its
// Overview. Light and dark themes; every step photographed under test-results/services-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { runProgram } from '../snippets/runners';
import {
  answerDialog,
  chooseServiceToConnect,
  createExternalConsumer,
  createOrganization,
  expandTreeRow,
  form,
  openChoreoView,
  pick,
  retype,
  runCommand,
  saveAs,
  themeKind,
  THEMES,
  treeContextMenu,
  treeRows,
} from './steps';

const SERVICE = 'Inventory API';
const CONSUMER = 'Stark Web Shop';
const value = (f: ReturnType<typeof form>, selector: string) => f.locator(selector).evaluate((el) => (el as HTMLInputElement).value);

interface TestService {
  url: string;
  seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A service of the test's own: answers every request with its name, and records each. */
async function startTestService(name: string): Promise<TestService> {
  const seen: TestService['seen'] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('Bring your own service through the UI: Create Service, a consumer connected to it, the upstream moved', () => {
  for (const t of THEMES) {
    describe(`${t.id} theme (${t.theme})`, () => {
      let workbench: Workbench;
      let page: Page;
      let first: TestService;
      let second: TestService;
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(400);
        console.log(`      screenshot: ${await workbench.screenshot(`services-${t.id}-${step}`)}`);
      };
      /** The snippet saved in the workspace, run outside VS Code with the .env sourced, as a person would. */
      const runSnippet = async () => {
        const result = await runProgram('sh', ['-c', 'set -a; . ./.env; set +a; exec node inventory-client.js'], {
          cwd: workbench.workspace,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' },
          timeoutMs: 60_000,
        });
        assert.equal(result.code, 0, `the snippet exited ${result.code}:\n${result.stderr}`);
        return result.stdout;
      };

      before(async () => {
        [first, second] = await Promise.all([startTestService('first'), startTestService('second')]);
        workbench = await openWorkbench({ settings: { 'workbench.colorTheme': t.theme } });
        page = workbench.page;
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.server.origin });
        await openChoreoView(page);
      });
      afterEach(async function () {
        if (this.currentTest?.state === 'failed' && page)
          console.log(`      screenshot of the failure: ${await workbench.screenshot(`services-${t.id}-failed`)}`);
      });
      after(async () => {
        await workbench?.close();
        await Promise.all([first?.close(), second?.close()]);
      });

      it(`opens in the ${t.theme} theme`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it("opens Create Service from the project's context menu, on that project", async () => {
        await createOrganization(page, 'Stark Industries');
        await expandTreeRow(page, 'Stark Industries');
        await treeContextMenu(page, 'Default Project', 'Create Service');
        const f = form(page);
        await f.getByRole('heading', { name: 'Create a Service' }).waitFor({ timeout: 30_000 });
        await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
        assert.equal(await f.locator('#project').evaluate((el) => (el as HTMLSelectElement).value), 'stark-industries/default');
        assert.equal(await f.locator('#endpoint-0-url-development').count(), 0, 'one URL for every environment unless asked');
        await shot('01-create-service-empty');
      });

      it('refuses a URL that is not http/https under the field, then says the right one answered', async () => {
        const f = form(page);
        await f.locator('#displayName').click();
        await page.keyboard.type(SERVICE);
        assert.equal(await value(f, '#name'), 'inventory-api', 'the unique name derived as the user types');
        await f.locator('#description').click();
        await page.keyboard.type('Stock levels of the web shop');
        const bad = first.url.replace('http://', ''); // "127.0.0.1:PORT": no scheme
        await f.locator('#endpoint-0-url').click();
        await page.keyboard.type(bad);
        await f.locator('#endpoint-0-url-error').waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await f.locator('#endpoint-0-url-error').textContent(), `Start the URL with http:// or https://, as in http://${bad}.`);
        // Create anyway: the host refuses it the same way, and nothing typed is lost.
        await f.locator('#create').click();
        await f.locator('.form-message', { hasText: 'Check the marked fields.' }).waitFor({ timeout: 30_000 });
        assert.equal(await value(f, '#endpoint-0-url'), bad);
        assert.equal(await value(f, '#displayName'), SERVICE);
        await shot('02-create-service-url-error');
        await retype(page, f.locator('#endpoint-0-url'), first.url);
        await f.locator('#endpoint-0-url-error').waitFor({ state: 'hidden' });
        const probe = f.locator('#endpoint-0-url-probe');
        await probe.filter({ hasText: 'Answered HTTP 200 from this machine' }).waitFor({ timeout: 30_000 });
        assert.ok(first.seen.length >= 1, 'the probe reached the test service');
        await shot('03-create-service-answered');
        // A URL per environment, when asked: each starts from the one URL.
        await f.locator('#endpoint-0-per-environment').click();
        await f.locator('#endpoint-0-url-production').waitFor({ timeout: 30_000 });
        assert.equal(await value(f, '#endpoint-0-url-development'), first.url);
        assert.equal(await value(f, '#endpoint-0-url-production'), first.url);
        await f.locator('#endpoint-0-url-production-probe', { hasText: 'Answered HTTP 200' }).waitFor({ timeout: 30_000 });
        await shot('03b-create-service-per-environment');
        await f.locator('#endpoint-0-per-environment').click();
        await f.locator('#endpoint-0-url').waitFor({ timeout: 30_000 });
        assert.equal(await value(f, '#endpoint-0-url'), first.url);
        first.seen.length = 0;
        await f.locator('#create').click();
      });

      it('lands on the Service Overview: the endpoint, its gateway and upstream URL per environment', async () => {
        const f = form(page);
        await f.getByRole('heading', { name: 'Endpoints' }).waitFor({ timeout: 30_000 });
        assert.equal(await value(f, '#upstream-api-development'), first.url);
        assert.equal(await value(f, '#upstream-api-production'), first.url);
        assert.match((await f.locator('#gateway-api-development').textContent()) ?? '', /^http:\/\/.+/);
        await f.locator('#upstream-api-development-probe', { hasText: 'Answered HTTP 200' }).waitFor({ timeout: 30_000 });
        assert.match((await f.locator('#endpoint-api').textContent()) ?? '', /No external consumer is connected/);
        await treeRows(page, SERVICE).first().waitFor({ timeout: 30_000 });
        await shot('04-service-overview');
      });

      it('a consumer with Generate Keys connects to the new service in the Create Connection form', async () => {
        await createExternalConsumer(page, CONSUMER);
        let f = form(page);
        await f.locator('#generate-keys-development').click({ timeout: 30_000 });
        f = form(page);
        await f.locator('#secret-value').waitFor({ timeout: 30_000 });
        await f.getByText('Back to Overview').click();
        // Two services now (the sample one too): search for ours, as the field says.
        f = await chooseServiceToConnect(page, SERVICE, 'Inventory', 'api');
        assert.equal(await value(f, '#name'), SERVICE, 'a name suggested from the service');
        await f.locator('#create').click();
        await f.getByText(`Connection "${SERVICE}" created.`).waitFor({ timeout: 30_000 });
      });

      it('the snippet, run outside VS Code with the written .env, reaches the test service through the gateway, which does not pass the token on', async () => {
        await expandTreeRow(page, CONSUMER);
        await expandTreeRow(page, 'Connections');
        // The connection row (under Connections), not the service of the same name above it.
        await treeRows(page, SERVICE).nth(1).waitFor({ timeout: 30_000 });
        await treeContextMenu(page, SERVICE, 'Write Connection Config to .env', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        await answerDialog(page, 'Include Secret');
        await page.locator('.notifications-toasts', { hasText: 'Wrote 4 variables' }).waitFor({ timeout: 30_000 });
        await runCommand(page, 'View: Close All Editors');
        await treeContextMenu(page, SERVICE, 'Insert Connection Snippet', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        await pick(page, `Insert Connection Snippet: ${SERVICE}`, 'JavaScript');
        await page.locator('.editor-instance .view-lines', { hasText: 'CHOREO_INVENTORY_API' }).first().waitFor({ timeout: 30_000 });
        await saveAs(page, path.join(workbench.workspace, 'inventory-client.js'));

        first.seen.length = 0;
        const out = await runSnippet();
        assert.match(out, /"from":"first"/, `the first test service answered: ${out}`);
        assert.equal(first.seen.length, 1, 'one call reached the service');
        const call = first.seen[0]!;
        assert.equal(call.headers.authorization, undefined, 'the gateway does not pass the token on');
        assert.equal(call.headers['x-forwarded-proto'], 'http');
        assert.match(String(call.headers['x-forwarded-for']), /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
        assert.match(String(call.headers['x-forwarded-host']), /^(127\.0\.0\.1|localhost):\d+$/);
        assert.equal(second.seen.length, 0);
      });

      it('the Service Overview lists the connected consumer; a changed upstream URL takes the next call to the second service', async () => {
        await runCommand(page, 'View: Close All Editors');
        await treeContextMenu(page, SERVICE, 'Open Overview', 0);
        const f = form(page);
        await f.getByRole('heading', { name: 'Endpoints' }).waitFor({ timeout: 30_000 });
        await f.locator('#consumers-api', { hasText: CONSUMER }).waitFor({ timeout: 30_000 });
        assert.match((await f.locator('#consumers-api').textContent()) ?? '', new RegExp(`connection ${SERVICE}`));
        // A bad URL first: refused under the field, what was typed kept, nothing saved.
        await retype(page, f.locator('#upstream-api-development'), 'ftp://files.example');
        await f.locator('#save-upstream-api-development').click();
        await f.locator('#upstream-api-development-error').waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await value(f, '#upstream-api-development'), 'ftp://files.example');
        await retype(page, f.locator('#upstream-api-development'), second.url);
        await f.locator('#save-upstream-api-development').click();
        await f.locator('#upstream-api-development-saved').waitFor({ state: 'visible', timeout: 30_000 });
        await f.locator('#upstream-api-development-probe', { hasText: 'Answered HTTP 200' }).waitFor({ timeout: 30_000 });
        assert.equal(await value(f, '#upstream-api-development'), second.url);
        assert.equal(await value(f, '#upstream-api-production'), first.url, 'Production keeps its own');
        await page.waitForTimeout(1000);
        await runCommand(page, 'Notifications: Clear All Notifications');
        await shot('05-service-overview-upstream-saved');
        await f.locator('#consumers-api').scrollIntoViewIfNeeded();
        await shot('06-service-overview-connected-consumers');

        first.seen.length = 0;
        second.seen.length = 0;
        const out = await runSnippet();
        assert.match(out, /"from":"second"/, `the second test service answered: ${out}`);
        assert.equal(first.seen.length, 0, 'nothing reached the first one');
        assert.equal(second.seen[0]?.headers.authorization, undefined);
      });

      it("the Service Overview's CORS: credentials with any origin refused under its field, saying why; the app's origin saved, and the gateway answers its preflight", async () => {
        const f = form(page);
        await f.locator('#cors-api-allowOrigins').scrollIntoViewIfNeeded();
        assert.equal(await value(f, '#cors-api-allowOrigins'), '*', 'the default: any origin');
        await f.locator('#cors-api-allowCredentials').click();
        await f.locator('#save-cors-api').click();
        const error = f.locator('#cors-api-allowCredentials-error');
        await error.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match((await error.textContent()) ?? '', /Credentials cannot go with any origin/);
        await retype(page, f.locator('#cors-api-allowOrigins'), 'https://shop.stark.test, http://localhost:5173');
        await f.locator('#save-cors-api').click();
        await f.locator('#cors-api-saved').waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await value(f, '#cors-api-allowOrigins'), 'https://shop.stark.test, http://localhost:5173');
        await page.waitForTimeout(500);
        await shot('07-service-overview-cors-saved');
        const gateway = ((await f.locator('#gateway-api-development').textContent()) ?? '').trim();
        const preflight = (origin: string) =>
          fetch(`${gateway}/items`, {
            method: 'OPTIONS',
            headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
          });
        const allowed = await preflight('http://localhost:5173');
        assert.equal(allowed.status, 204);
        assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:5173');
        assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
        const other = await preflight('https://evil.example');
        assert.equal(other.headers.get('access-control-allow-origin'), null);
      });

      it("the connected consumer's link opens its Overview", async () => {
        await form(page)
          .getByRole('button', { name: `Open the Overview of ${CONSUMER}` })
          .click();
        await form(page).getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
        assert.match((await form(page).locator('h1').first().textContent()) ?? '', new RegExp(CONSUMER));
      });
    });
  }
});
