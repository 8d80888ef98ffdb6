// Issue 24 through the UI, in light and dark: a web app's keys get Authorization Code and a callback URL in the
// Configure form (a refused URL first, said under its field), then test users are imported from a CSV through Import
// Users (a CSV with a bad line first: nothing imported, the line named), and the built-in provider's Users row lists
// them with their groups. The organization, the consumer and its Generate Keys are set up through the management API
// (the forms test walks those already). Photographed under test-results/sign-in-keys-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { paths } from '../../src/api/routes';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { createOrganization, expandTreeRow, fillFileDialog, form, openChoreoView, pick, retype, themeKind, treeContextMenu, treeRows } from './steps';

const THEMES = [
  { id: 'light', theme: 'Default Light Modern', kind: 'vs' },
  { id: 'dark', theme: 'Default Dark Modern', kind: 'vs-dark' },
] as const;
const ORG = 'Stark Industries';
const ORG_HANDLE = 'stark-industries';
const CONSUMER = 'Stark Web App';

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

describe('Sign-in keys and test users in the workbench', function () {
  this.timeout(240_000);

  for (const t of THEMES) {
    describe(`${t.id} theme (${t.theme})`, () => {
      let workbench: Workbench;
      let page: Page;
      let call: (method: string, p: string, body?: unknown) => Promise<Record<string, unknown>>;
      let consumerName = '';
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(500);
        console.log(`      screenshot: ${await workbench.screenshot(`sign-in-keys-${t.id}-${step}`)}`);
      };

      before(async () => {
        workbench = await openWorkbench({ settings: { 'workbench.colorTheme': t.theme } });
        page = workbench.page;
        await openChoreoView(page);
        const port = JSON.parse(readFileSync(path.join(workbench.server.userDataDir, 'User', 'settings.json'), 'utf8'))['choreo.controlPlane.localPort'];
        const base = `http://127.0.0.1:${port}/api/v1`;
        call = async (method, p, body) => {
          const res = await fetch(base + p.replace(/^\/api\/v1/, ''), {
            method,
            headers: { authorization: `Bearer ${adminToken(workbench.server.userDataDir)}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
          return text ? JSON.parse(text) : {};
        };
      });
      afterEach(async function () {
        if (this.currentTest?.state === 'failed' && page)
          console.log(`      screenshot of the failure: ${await workbench.screenshot(`sign-in-keys-${t.id}-failed`)}`);
      });
      after(async () => {
        await workbench?.close();
      });

      it(`opens in the ${t.theme} theme`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it('Configure → Key settings: Authorization Code and a callback URL, a refused URL said under its field first', async () => {
        await createOrganization(page, ORG);
        const consumer = await call('POST', paths.components(ORG_HANDLE, 'default'), {
          displayName: CONSUMER,
          name: 'stark-web-app',
          description: 'A single-page app',
          type: 'external-consumer',
        });
        consumerName = String(consumer.name);
        await call('POST', `${paths.authFor(ORG_HANDLE, 'default', consumerName, 'development')}/generate-keys`, {});
        await expandTreeRow(page, ORG);
        await expandTreeRow(page, 'Default Project');
        await expandTreeRow(page, CONSUMER);
        await treeContextMenu(page, 'Development', 'Configure Authentication');
        const f = form(page);
        await f.getByRole('heading', { name: 'Key settings' }).waitFor({ timeout: 30_000 });
        await f.locator('#ks-grant-client_credentials').click();
        await f.locator('#ks-grant-authorization_code').click();
        await f.locator('#ks-grant-refresh_token').click();
        await f.locator('#ks-callbackUrls-add').click();
        await retype(page, f.locator('#ks-callbackUrls-0'), 'http://stark.example/callback');
        await f.locator('#save-key-settings').click();
        await f.locator('#ks-callbackUrls-0-error:not([hidden])').waitFor({ timeout: 30_000 });
        assert.equal(await f.locator('#ks-callbackUrls-0-error').textContent(), 'Use https, or http only on 127.0.0.1, [::1] or localhost.');
        await shot('01-key-settings-refused');
        await retype(page, f.locator('#ks-callbackUrls-0'), 'http://localhost:5173/callback');
        await f.locator('#save-key-settings').click();
        await f.locator('.form-message.info', { hasText: 'Key settings saved' }).waitFor({ timeout: 30_000 });
        const auth = await call('GET', paths.authFor(ORG_HANDLE, 'default', consumerName, 'development'));
        const saved = auth.keySettings as { grantTypes: string[]; callbackUrls: string[] };
        assert.deepEqual(saved.grantTypes, ['authorization_code', 'refresh_token']);
        assert.deepEqual(saved.callbackUrls, ['http://localhost:5173/callback']);
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
      });
    });
  }
});
