// Issue 24 walked through the UI as a new user who builds a web app and a native app, in light and dark, to the end
// they care about: a person signed in and the service's answer on their screen.
//   Create External Consumer (the form) → Generate Keys (its Overview) → Configure → Key settings: Authorization Code,
//   Refresh Token, Public client, the browser app's callback URL (a refused URL said under its field first) and the
//   native app's loopback one → Import Users from a CSV (a bad line first: nothing imported, the line named) → the
//   Users row → Create Connection (the form) to a service of the test's own → Write config.js for a Browser App (and
//   with it index.html, the snippet's page) and Insert Connection Snippet (Browser App), saved as app.js → the folder
//   served as a static site from another site than the control plane's (the app on localhost, the control plane on
//   127.0.0.1): Sign In → the sign-in page → a test user → back in the app → the
//   service's answer through the gateway, cross-origin, on the page; the service got an X-JWT-Assertion naming that
//   person, verified with the organization's JWKS → Sign Out.
//   Then the native app: Insert Connection Snippet (Native App) saved as native-app.mjs, Write .env (a public
//   client's keys: no secret asked for or written), run OUTSIDE VS Code; its "system browser" is an xdg-open that hands the URL to the test, which signs the
//   person in; the program prints the service's answer.
// The organization and the service are set up through the palette and the management API (the forms and services
// tests walk those). Photographed under test-results/sign-in-keys-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { issuerUrl, paths } from '../../src/api/routes';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { folderSite } from '../snippets/fixtures/servers';
import {
  chooseServiceToConnect,
  createExternalConsumer,
  createOrganization,
  expandTreeRow,
  fillFileDialog,
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

const REPO = path.resolve(__dirname, '..', '..');
const ORG = 'Stark Industries';
const ORG_HANDLE = 'stark-industries';
const CONSUMER = 'Stark Web App';
const SERVICE = 'Armory API';
const SERVICE_NAME = 'armory-api';

const GOOD_CSV = `username,password,groups,first_name,last_name,email
"pepper","pepper-password","[manager, engineering]","Pepper","Potts","pepper@stark.example"
"happy","happy-password","[security]","Happy","Hogan","happy@stark.example"
`;
const BAD_CSV = `username,password,groups,first_name,last_name,email
"rhodey","rhodey-password","[qa]","James","Rhodes","rhodey@stark.example"
"vision","short","","","",""
`;

/** The admin token of the local control plane the extension started, from its data folder under the user data. */
function adminToken(userDataDir: string): string {
  const file = readdirSync(userDataDir, { recursive: true, encoding: 'utf8' }).find((f) => path.basename(f) === 'admin-token');
  assert.ok(file, 'the local control plane wrote its admin token');
  return readFileSync(path.join(userDataDir, file), 'utf8').trim();
}

/** Picks `file` (an absolute path) in VS Code's Open dialog (the simple file dialog of VS Code in the browser). */
async function openFile(page: Page, file: string): Promise<void> {
  await fillFileDialog(page, file, 'Open');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 30_000 });
}

async function listenOnLoopback(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
}

/** A service of the test's own: answers every call with its name and the caller the gateway named, and records each. */
async function startService(): Promise<{ server: Server; url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: 'armory', path: req.url }));
  });
  return { server, url: `http://127.0.0.1:${await listenOnLoopback(server, '127.0.0.1')}`, seen };
}

describe('A web app and a native app sign a test user in, walked through the workbench', function () {
  this.timeout(240_000);

  for (const t of THEMES) {
    describe(`${t.id} theme (${t.theme})`, () => {
      let workbench: Workbench;
      let page: Page;
      let call: (method: string, p: string, body?: unknown) => Promise<Record<string, unknown>>;
      let service: Awaited<ReturnType<typeof startService>>;
      let site: Server;
      let origin = '';
      let appContext: BrowserContext | undefined;
      let consumerName = '';
      let controlPlaneUrl = '';
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(500);
        console.log(`      screenshot: ${await workbench.screenshot(`sign-in-keys-${t.id}-${step}`)}`);
      };
      const appShot = async (appPage: Page, step: string) => {
        const file = path.join(REPO, 'test-results', `sign-in-keys-${t.id}-${step}.png`);
        await appPage.screenshot({ path: file });
        console.log(`      screenshot: ${file}`);
      };

      before(async () => {
        service = await startService();
        workbench = await openWorkbench({ settings: { 'workbench.colorTheme': t.theme } });
        page = workbench.page;
        // The site the browser app is served from: its origin goes into the key settings and the CORS check.
        site = createServer(folderSite(workbench.workspace));
        origin = `http://localhost:${await listenOnLoopback(site, '127.0.0.1')}`;
        // As after `npm install oidc-client-ts openid-client` in the user's folder.
        symlinkSync(path.join(REPO, 'node_modules'), path.join(workbench.workspace, 'node_modules'), 'dir');
        await openChoreoView(page);
        const port = JSON.parse(readFileSync(path.join(workbench.server.userDataDir, 'User', 'settings.json'), 'utf8'))['choreo.controlPlane.localPort'];
        controlPlaneUrl = `http://127.0.0.1:${port}`;
        call = async (method, p, body) => {
          const res = await fetch(`${controlPlaneUrl}/api/v1${p.replace(/^\/api\/v1/, '')}`, {
            method,
            headers: { authorization: `Bearer ${adminToken(workbench.server.userDataDir)}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
          return text ? JSON.parse(text) : {};
        };
      });
      // One walk: a step that failed leaves nothing for the next to stand on, so the rest are skipped, not failed again.
      let walkBroken = false;
      beforeEach(function () {
        if (walkBroken) this.skip();
      });
      afterEach(async function () {
        if (this.currentTest?.state !== 'failed') return;
        walkBroken = true;
        if (page) console.log(`      screenshot of the failure: ${await workbench.screenshot(`sign-in-keys-${t.id}-failed`)}`);
      });
      after(async () => {
        await appContext?.close().catch(() => undefined);
        await workbench?.close();
        await Promise.all([closeServer(site), closeServer(service?.server)]);
      });

      it(`opens in the ${t.theme} theme`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it('Create External Consumer in the form, then Generate Keys on its Overview', async () => {
        await createOrganization(page, ORG);
        // The service, made through the API before the tree lists the project (the services test walks Create Service).
        await call('POST', paths.components(ORG_HANDLE, 'default'), {
          displayName: SERVICE,
          name: SERVICE_NAME,
          type: 'service',
          endpoints: [{ name: 'api', visibility: 'Project', upstreamUrls: { development: service.url } }],
        });
        await createExternalConsumer(page, CONSUMER);
        const f = form(page);
        await f.locator('#generate-keys-development').click({ timeout: 30_000 });
        await form(page).locator('#secret-value').waitFor({ timeout: 30_000 });
        await form(page).getByText('Back to Overview').click();
        await form(page).locator('#create-connection').waitFor({ timeout: 30_000 });
        const consumers = (await call('GET', paths.components(ORG_HANDLE, 'default'))).items as { name: string; displayName: string }[];
        consumerName = consumers.find((c) => c.displayName === CONSUMER)!.name;
        assert.equal(consumerName, 'stark-web-app', 'the unique name derived from the display name');
      });

      it('Configure → Key settings: Authorization Code, a public client, the callback URLs (a refused one said under its field first)', async () => {
        await runCommand(page, 'View: Close All Editors');
        await expandTreeRow(page, ORG);
        await expandTreeRow(page, 'Default Project');
        await expandTreeRow(page, CONSUMER);
        await treeContextMenu(page, 'Development', 'Configure Authentication');
        const f = form(page);
        await f.getByRole('heading', { name: 'Key settings' }).waitFor({ timeout: 30_000 });
        await f.locator('#ks-grant-client_credentials').click();
        await f.locator('#ks-grant-authorization_code').click();
        await f.locator('#ks-grant-refresh_token').click();
        await f.locator('#ks-publicClient-box').click();
        await f.locator('#ks-callbackUrls-add').click();
        await retype(page, f.locator('#ks-callbackUrls-0'), 'http://stark.example/callback');
        await f.locator('#save-key-settings').click();
        await f.locator('#ks-callbackUrls-0-error:not([hidden])').waitFor({ timeout: 30_000 });
        assert.equal(await f.locator('#ks-callbackUrls-0-error').textContent(), 'Use https, or http only on 127.0.0.1, [::1] or localhost.');
        await shot('01-key-settings-refused');
        // The browser app returns to its page; the native app to its loopback listener, on any port (RFC 8252).
        await retype(page, f.locator('#ks-callbackUrls-0'), `${origin}/`);
        await f.locator('#ks-callbackUrls-add').click();
        await retype(page, f.locator('#ks-callbackUrls-1'), 'http://127.0.0.1/callback');
        await f.locator('#ks-postLogoutRedirectUrls-add').click();
        await retype(page, f.locator('#ks-postLogoutRedirectUrls-0'), `${origin}/`);
        await f.locator('#save-key-settings').click();
        await f.locator('.form-message.info', { hasText: 'Key settings saved' }).waitFor({ timeout: 30_000 });
        const auth = await call('GET', paths.authFor(ORG_HANDLE, 'default', consumerName, 'development'));
        const saved = auth.keySettings as { grantTypes: string[]; callbackUrls: string[]; postLogoutRedirectUrls: string[]; publicClient: boolean };
        assert.deepEqual(saved.grantTypes, ['authorization_code', 'refresh_token']);
        assert.deepEqual(saved.callbackUrls, [`${origin}/`, 'http://127.0.0.1/callback']);
        assert.deepEqual(saved.postLogoutRedirectUrls, [`${origin}/`]);
        assert.equal(saved.publicClient, true);
        await f.locator('#ks-endpoints').scrollIntoViewIfNeeded();
        await shot('02-key-settings-saved');
      });

      it('Import Users: a CSV with a bad line imports nothing and names it; the fixed one fills the Users row', async () => {
        writeFileSync(path.join(workbench.workspace, 'bad-users.csv'), BAD_CSV);
        writeFileSync(path.join(workbench.workspace, 'users.csv'), GOOD_CSV);
        const builtIn = ((await call('GET', paths.identityProviders(ORG_HANDLE))).items as { kind: string; name: string }[]).find(
          (p) => p.kind === 'built-in',
        )!;
        await expandTreeRow(page, 'Identity Providers');
        await expandTreeRow(page, builtIn.name);
        const usersRow = treeRows(page, 'Users').filter({ hasText: 'Development' }).first();
        await usersRow.waitFor({ state: 'visible', timeout: 30_000 });
        const nth = await treeRows(page, 'Users').evaluateAll((rows) => rows.findIndex((r) => r.textContent?.includes('Development')));

        await treeContextMenu(page, 'Users', 'Import Users', nth);
        await pick(page, /Import Users into Development/, 'Choose a CSV File…');
        await openFile(page, path.join(workbench.workspace, 'bad-users.csv'));
        const refusal = page.locator('.notifications-toasts .notification-toast', { hasText: 'Nothing was imported' });
        await refusal.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match((await refusal.textContent()) ?? '', /line 3: password: Use at least 8 characters\./);
        await shot('03-import-refused');
        assert.deepEqual((await call('GET', paths.testUsers(ORG_HANDLE, 'development'))).items, [], 'the good line was not imported either');
        await refusal
          .locator('.codicon-notifications-clear')
          .click()
          .catch(() => undefined);

        await treeContextMenu(page, 'Users', 'Import Users', nth);
        await pick(page, /Import Users into Development/, 'Choose a CSV File…');
        await openFile(page, path.join(workbench.workspace, 'users.csv'));
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'Imported 2 test users into Development' }).waitFor({ timeout: 30_000 });
        await expandTreeRow(page, 'Users', nth);
        const pepper = treeRows(page, 'pepper').first();
        await pepper.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match((await pepper.textContent()) ?? '', /manager, engineering/);
        assert.match((await treeRows(page, 'happy').first().textContent()) ?? '', /security/);
        await shot('04-users-row');
        await runCommand(page, 'Notifications: Clear All Notifications');
      });

      it('Create Connection in the form, to a service of the test’s own', async () => {
        await treeContextMenu(page, CONSUMER, 'Open Overview');
        const f = await chooseServiceToConnect(page, SERVICE, 'Armory', 'api');
        await f.locator('#create').click();
        await f.getByText(`Connection "${SERVICE}" created.`).waitFor({ timeout: 30_000 });
      });

      it('Write config.js and Insert Connection Snippet (Browser App): config.js has the issuer, the Client ID and the callback URL, and no secret', async () => {
        await runCommand(page, 'View: Close All Editors');
        await expandTreeRow(page, 'Connections');
        // The connection row (under Connections), not the service of the same name above it.
        await treeRows(page, SERVICE).nth(1).waitFor({ timeout: 30_000 });
        await treeContextMenu(page, SERVICE, 'Write config.js for a Browser App', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        await page.locator('.notifications-toasts', { hasText: 'Wrote config.js' }).waitFor({ timeout: 30_000 });
        const config = readFileSync(path.join(workbench.workspace, 'config.js'), 'utf8');
        const auth = await call('GET', paths.authFor(ORG_HANDLE, 'default', consumerName, 'development'));
        assert.match(config, new RegExp(`consumerKey: "${String(auth.clientId)}"`));
        assert.ok(config.includes(`issuerUrl: "${issuerUrl(controlPlaneUrl, ORG_HANDLE)}"`), config);
        assert.match(config, new RegExp(`redirectUrl: "${origin}/"`));
        assert.doesNotMatch(config, /secret\s*:/i, 'config.js holds no secret');
        // Keys that sign people in: the snippet's page came with config.js (nothing of the test's own is served).
        assert.match(readFileSync(path.join(workbench.workspace, 'index.html'), 'utf8'), /<script type="module" src="app.js">/);

        await runCommand(page, 'View: Close All Editors');
        await treeContextMenu(page, SERVICE, 'Insert Connection Snippet', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        await pick(page, `Insert Connection Snippet: ${SERVICE}`, 'Browser App: Sign In (oidc-client-ts)');
        await page.locator('.editor-instance .view-lines', { hasText: 'UserManager' }).first().waitFor({ timeout: 30_000 });
        await saveAs(page, path.join(workbench.workspace, 'app.js'));
        await shot('05-browser-app-snippet');
      });

      it('the browser app on localhost: Sign In at the provider on 127.0.0.1 as a test user, the service answer on the page, Sign Out', async () => {
        appContext = await page
          .context()
          .browser()!
          .newContext({ colorScheme: t.colorScheme, viewport: { width: 1000, height: 700 } });
        const app = await appContext.newPage();
        const errors: string[] = [];
        app.on('pageerror', (e) => errors.push(e.message));
        await app.goto(`${origin}/`);
        await app.locator('#user').getByText('Not signed in').waitFor({ timeout: 30_000 });
        await app.locator('#sign-in').click();
        await app.waitForURL((u) => u.href.startsWith(`${controlPlaneUrl}/`), { timeout: 30_000 });
        await app.locator('#username').waitFor({ timeout: 30_000 });
        assert.match(await app.locator('body').innerText(), new RegExp(CONSUMER), 'the sign-in page says which app asks');
        assert.match(await app.locator('body').innerText(), /Development/, 'and in which environment');
        await appShot(app, '06-sign-in-page');
        await app.locator('#username').fill('pepper');
        await app.locator('#password').fill('pepper-password');
        await app.locator('button[type="submit"]').click();
        await app.waitForURL((u) => u.origin === origin, { timeout: 30_000 });
        await app.locator('#user').getByText('Signed in as Pepper Potts').waitFor({ timeout: 30_000 });

        service.seen.length = 0;
        await app.locator('#call').click();
        await app.locator('#answer').getByText(/\S/).waitFor({ timeout: 30_000 });
        const answer = JSON.parse(await app.locator('#answer').innerText()) as { from: string };
        assert.equal(answer.from, 'armory', "the service's answer through the gateway, cross-origin, on the page");
        assert.deepEqual(errors, []);
        await appShot(app, '07-browser-app-answer');

        assert.equal(service.seen.length, 1, 'one call reached the service');
        assert.equal(service.seen[0]!.authorization, undefined, 'the gateway does not pass the token on');
        const assertion = service.seen[0]!['x-jwt-assertion'];
        assert.ok(typeof assertion === 'string', 'the service learns who called');
        const { createRemoteJWKSet, jwtVerify } = await import('jose');
        const issuer = issuerUrl(controlPlaneUrl, ORG_HANDLE);
        const { payload } = await jwtVerify(assertion, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, algorithms: ['ES256'] });
        const auth = await call('GET', paths.authFor(ORG_HANDLE, 'default', consumerName, 'development'));
        assert.equal(payload.email, 'pepper@stark.example', 'the person who signed in');
        assert.notEqual(payload.sub, auth.clientId, "the person's subject, not the app's");
        assert.deepEqual(payload.groups, ['manager', 'engineering']);
        assert.equal(payload.client_id, auth.clientId);
        assert.equal(payload.consumer_name, CONSUMER);

        await app.locator('#sign-out').click();
        const confirm = app.getByRole('button', { name: /sign (me )?out|log ?out/i });
        await Promise.race([app.waitForURL((u) => u.origin === origin, { timeout: 30_000 }), confirm.click({ timeout: 30_000 })]).catch(() => undefined);
        await app.waitForURL((u) => u.origin === origin, { timeout: 30_000 });
        await app.locator('#user').getByText('Not signed in').waitFor({ timeout: 30_000 });
        const left = await app.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user:')).length);
        assert.equal(left, 0, 'the tokens are gone from the page');
      });

      it('the native app: Insert Connection Snippet (Native App), .env with no secret (a public client), run outside VS Code; the person signs in in the browser it opens', async () => {
        await runCommand(page, 'View: Close All Editors');
        await treeContextMenu(page, SERVICE, 'Insert Connection Snippet', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        await pick(page, `Insert Connection Snippet: ${SERVICE}`, 'Native App: Sign In with a Loopback Redirect');
        await page.locator('.editor-instance .view-lines', { hasText: 'openid-client' }).first().waitFor({ timeout: 30_000 });
        await saveAs(page, path.join(workbench.workspace, 'native-app.mjs'));
        await treeContextMenu(page, SERVICE, 'Write Connection Config to .env', 1);
        await pick(page, `Environment for ${SERVICE}`, 'Development');
        // A public client's keys have no secret: none is asked for, and none is missing.
        await page.locator('.notifications-toasts', { hasText: 'Wrote 4 variables' }).first().waitFor({ timeout: 30_000 });
        assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no question about a secret');
        const env = readFileSync(path.join(workbench.workspace, '.env'), 'utf8');
        assert.deepEqual(
          env.split('\n').flatMap((line) => /^(CHOREO_\w+)=/.exec(line)?.[1] ?? []),
          ['CHOREO_ARMORY_API_SERVICEURL', 'CHOREO_ARMORY_API_CONSUMERKEY', 'CHOREO_ARMORY_API_TOKENURL', 'CHOREO_ARMORY_API_ISSUERURL'],
        );
        await shot('08-native-app-snippet');

        // The "system browser": an xdg-open that hands the URL to the test, which opens it in Chromium.
        const bin = path.join(workbench.workspace, '.bin');
        const opened = path.join(bin, 'opened.txt');
        mkdirSync(bin, { recursive: true });
        writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
        chmodSync(path.join(bin, 'xdg-open'), 0o755);
        const child = spawn('sh', ['-c', 'set -a; . ./.env; set +a; exec node native-app.mjs'], {
          cwd: workbench.workspace,
          env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME, LANG: 'C.UTF-8' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        const browserPage = await appContext!.newPage();
        try {
          let url: URL | undefined;
          for (const until = Date.now() + 30_000; !url && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
            const text = (() => {
              try {
                return readFileSync(opened, 'utf8');
              } catch {
                return '';
              }
            })();
            if (text.trim()) url = new URL(text.trim().split('\n')[0]!);
          }
          assert.ok(url, `the app opened no browser\nstdout: ${stdout}\nstderr: ${stderr}`);
          assert.equal(new URL(url.searchParams.get('redirect_uri')!).hostname, '127.0.0.1', 'a loopback redirect (RFC 8252 §7.3)');
          service.seen.length = 0;
          await browserPage.goto(url.href);
          await browserPage.locator('#username').fill('happy');
          await browserPage.locator('#password').fill('happy-password');
          await browserPage.locator('button[type="submit"]').click();
          await browserPage.getByText('Signed in. You can close this tab').waitFor({ timeout: 30_000 });
          assert.equal(await exited, 0, `stdout: ${stdout}\nstderr: ${stderr}`);
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
          await browserPage.close();
        }
        assert.equal((JSON.parse(stdout.trim()) as { from: string }).from, 'armory', `the service's answer printed: ${stdout}`);
        assert.equal(service.seen.length, 1);
        const { decodeJwt } = await import('jose');
        assert.equal(decodeJwt(String(service.seen[0]!['x-jwt-assertion'])).email, 'happy@stark.example', 'the person who signed in in the browser');
      });
    });
  }
});
