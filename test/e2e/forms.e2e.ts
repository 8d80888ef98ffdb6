// The acceptance test of the seed's flow, walked by a new user through the UI only (clicks and keys in the test VS
// Code, no command called with arguments), from Create Organization to a running client:
//   Create Organization → Create External Consumer (the view's +, with a service row focused) in the form → its
//   Overview → Configure Development → Generate Keys and Regenerate Secret in the form → Regenerate Secret from the
//   tree, and the form's Copy Secret hands out that new secret → Configure Production → Add Identity Provider in its
//   form (oidc-provider on loopback; a URL where nothing answers first: the error lands under the URL, nothing typed
//   is lost) → Add Keys with the Client ID of an app there → Create Connection in the form (the only service picked
//   at once; errors go once fixed) → Write Connection Config to .env from the connection's row (twice) → Insert
//   Connection Snippet from the row, in JavaScript and in Python, each saved in the workspace → both run OUTSIDE VS
//   Code with that .env sourced, and print the Greeting Service's answer → Get Test Token from the row → Delete the
//   consumer, and no secret of it is left in SecretStorage.
// One panel per consumer: Overview, Configure and Create Connection navigate in one tab.
// The theme is set in the user settings before the workbench opens. The whole flow runs in a light and a dark theme;
// high contrast photographs the Create, Overview and Configure forms only. Every step is photographed under
// test-results/forms-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../snippets/fixtures/externalIdentityProvider';
import { runProgram } from '../snippets/runners';
import { openWorkbench, type Workbench } from '../harness/workbench';
import {
  answerDialog,
  clickTreeRow,
  copied,
  createOrganization,
  expandTreeRow,
  form,
  heapHolds,
  HIGH_CONTRAST,
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

// The whole flow in light and dark; high contrast as far as the forms' contrast goes.
const FORM_THEMES = [...THEMES.map((t) => ({ ...t, fullFlow: true })), { ...HIGH_CONTRAST, fullFlow: false }];

const CONSUMER = 'Stark Mobile App';
const value = (f: ReturnType<typeof form>, selector: string) => f.locator(selector).evaluate((el) => (el as HTMLInputElement).value);

describe('The seed flow through the UI, to a running client', () => {
  let idp: ExternalIdentityProvider;
  before(async () => {
    idp = await startExternalIdentityProvider();
  });
  after(async () => {
    await idp?.close();
  });

  for (const t of FORM_THEMES) {
    describe(`${t.id} theme (${t.theme})`, () => {
      let workbench: Workbench;
      let page: Page;
      /** The Development secret now in force (the last one issued). */
      let secret = '';
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(400);
        console.log(`      screenshot: ${await workbench.screenshot(`forms-${t.id}-${step}`)}`);
      };
      const tabs = () => page.locator('.tabs-container .tab');
      const clearNotifications = () => runCommand(page, 'Notifications: Clear All Notifications');

      before(async () => {
        workbench = await openWorkbench({ settings: { 'workbench.colorTheme': t.theme } });
        page = workbench.page;
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.server.origin });
        await openChoreoView(page);
      });
      afterEach(async function () {
        // A failed step leaves its picture: what the person would have seen.
        if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot of the failure: ${await workbench.screenshot(`forms-${t.id}-failed`)}`);
      });
      after(async () => {
        await workbench?.close();
      });

      it(`opens in the ${t.theme} theme, set in the user settings`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it("opens Create External Consumer from the view's + even with the Greeting Service row focused", async () => {
        await createOrganization(page, 'Stark Industries');
        await expandTreeRow(page, 'Stark Industries');
        await expandTreeRow(page, 'Default Project');
        // The row a person last clicked: the + must not take it for the consumer to create.
        await clickTreeRow(page, 'Greeting Service');
        await page
          .locator('.part.sidebar .title-actions, .part.sidebar .pane-header .actions')
          .getByRole('button', { name: 'Create External Consumer' })
          .first()
          .click();
        const f = form(page);
        await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
        assert.equal(
          await f.locator('#project').evaluate((el) => (el as HTMLSelectElement).value),
          'stark-industries/default',
          'the project of the focused row',
        );
        await shot('01-create-empty');
      });

      it('creates the external consumer in the form, the unique name derived as the user types', async () => {
        const f = form(page);
        await f.locator('#displayName').click();
        await page.keyboard.type(CONSUMER);
        assert.equal(await value(f, '#name'), 'stark-mobile-app');
        if (t.fullFlow) {
          await page.keyboard.press('Tab'); // unique name
          await page.keyboard.press('End');
          await page.keyboard.type('!');
          await f.locator('#name-error').waitFor({ state: 'visible' });
          assert.match((await f.locator('#name-error').textContent()) ?? '', /lower-case letters, digits and hyphens/);
          await shot('02-create-invalid-name');
          await page.keyboard.press('Backspace');
          await f.locator('#name-error').waitFor({ state: 'hidden' });
          await page.keyboard.press('Tab'); // description
          await page.keyboard.type('The iOS app of Stark Industries');
          await shot('03-create-filled');
        }
        await f.getByText('Create', { exact: true }).click();
      });

      it('lands on the Overview, which says what is true of each environment', async () => {
        const f = form(page);
        await f.getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
        const row = f.locator('tr[data-environment="development"]');
        await row.waitFor();
        const text = (await row.textContent()) ?? '';
        assert.match(text, /No keys yet/, text);
        assert.doesNotMatch((await f.locator('main').textContent()) ?? '', /configured by default/, 'no claim that something is configured when no row is');
        await row.locator('#generate-keys-development').waitFor();
        assert.equal(await tabs().count(), 1, 'the Create form became the Overview: one tab');
        await f.locator('#configure-development').focus();
        await shot('04-overview');
      });

      it(
        t.fullFlow
          ? 'generates keys in the Configure form, then regenerates the secret there, naming the consumer'
          : 'opens Configure Development from the Overview',
        async () => {
          await form(page).locator('#configure-development').click();
          const f = form(page);
          await f.getByRole('heading', { name: 'Configure Development' }).waitFor({ timeout: 30_000 });
          await shot('05-configure-development');
          if (!t.fullFlow) return;
          await f.locator('#generate-keys').click();
          await f.locator('#secret-value').waitFor({ timeout: 30_000 });
          secret = await value(f, '#secret-value');
          assert.ok(secret.length >= 16, 'a real secret is shown');
          await f.locator('#regenerate-secret').waitFor();
          await shot('06-keys-generated');
          await f.locator('#regenerate-secret').click();
          await page.locator('.monaco-dialog-box').waitFor({ state: 'visible' });
          await shot('07-regenerate-confirm');
          const asked = await answerDialog(page, 'Regenerate Secret');
          assert.match(
            asked,
            new RegExp(`Regenerate the secret of ${CONSUMER} in Development`),
            `the confirmation names the consumer by its display name: ${asked}`,
          );
          let renewed = secret;
          for (let i = 0; i < 100 && renewed === secret; i++) {
            await page.waitForTimeout(100);
            renewed = await value(f, '#secret-value');
          }
          assert.notEqual(renewed, secret, 'Regenerate Secret shows a new secret');
          secret = renewed;
          await shot('08-secret-regenerated');
        },
      );

      if (!t.fullFlow) return;

      it('keeps one tab for the consumer as its pages navigate', async () => {
        await form(page).getByText('Back to Overview').click();
        await form(page).getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
        const labels = await tabs().allTextContents();
        assert.equal(labels.length, 1, `one tab: ${labels.join(' | ')}`);
        assert.match((await form(page).locator('tr[data-environment="development"]').textContent()) ?? '', /Keys generated/);
      });

      it("Regenerate Secret from the tree, and the form's Copy Secret then hands out that new secret", async () => {
        await expandTreeRow(page, CONSUMER);
        await treeContextMenu(page, 'Development', 'Regenerate Secret');
        await answerDialog(page, 'Regenerate Secret');
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Secret regenerated' });
        await toast.waitFor({ timeout: 30_000 });
        const fromTree = await copied(page, () => toast.getByRole('button', { name: 'Copy Secret' }).click());
        assert.ok(fromTree.length >= 16 && fromTree !== secret, 'a new secret');
        secret = fromTree;
        await form(page).locator('#configure-development').click();
        const f = form(page);
        await f.getByRole('heading', { name: 'Configure Development' }).waitFor({ timeout: 30_000 });
        const fromForm = await copied(page, () => f.locator('#copy-secret').click());
        assert.equal(fromForm, secret, 'the secret in force, not the one the form issued before');
      });

      it('adds an external identity provider in its form: a URL where nothing answers is refused under the field, nothing typed is lost', async () => {
        await form(page).getByText('Back to Overview').click();
        await form(page).locator('#configure-production').click();
        let f = form(page);
        await f.getByRole('heading', { name: 'Configure Production' }).waitFor({ timeout: 30_000 });
        await f.getByText('An external identity provider', { exact: true }).click();
        await f.locator('#add-identity-provider').waitFor();
        assert.match((await f.locator('.tab-body').nth(1).textContent()) ?? '', /JWT/);
        await shot('09-configure-production-no-provider');

        await f.locator('#add-identity-provider').click();
        f = form(page);
        await f.getByRole('heading', { name: 'Add Identity Provider' }).waitFor({ timeout: 30_000 });
        await f.locator('#name').click();
        await page.keyboard.type('Stark IdP');
        await f.locator('#description').click();
        await page.keyboard.type('oidc-provider on loopback');
        const nowhere = `http://127.0.0.1:9/.well-known/openid-configuration`;
        await f.locator('#wellKnownUrl').click();
        await page.keyboard.type(nowhere);
        await f.locator('#add').click();
        await f.locator('#wellKnownUrl-error').waitFor({ state: 'visible', timeout: 30_000 });
        const error = (await f.locator('#wellKnownUrl-error').textContent()) ?? '';
        assert.ok(error.length > 10, 'the discovery error sits under the Well-Known URL');
        const line = (await f.locator('.form-message').textContent()) ?? '';
        assert.doesNotMatch(line + error, /wellKnownUrl/, 'no internal field name');
        assert.ok(!line.includes(error), `said once: "${line}" / "${error}"`);
        assert.equal(await value(f, '#name'), 'Stark IdP');
        assert.equal(await value(f, '#description'), 'oidc-provider on loopback');
        assert.equal(await value(f, '#wellKnownUrl'), nowhere);
        await shot('10-add-identity-provider-refused');

        await retype(page, f.locator('#wellKnownUrl'), idp.wellKnownUrl);
        await f.locator('#wellKnownUrl-error').waitFor({ state: 'hidden' });
        assert.equal(await f.locator('.form-message').isVisible(), false, "the line above went with the field's error");
        await f.locator('#add').click();
        // Done: the form closes and Configure Production offers the new provider.
        f = form(page);
        await f.getByRole('heading', { name: 'Configure Production' }).waitFor({ timeout: 30_000 });
        await f.locator('#identityProvider vscode-option', { hasText: 'Stark IdP' }).waitFor({ state: 'attached', timeout: 30_000 });
        await clearNotifications();
      });

      it("adds Production's keys with the Client ID of an app at that provider", async () => {
        const f = form(page);
        await f.getByText('An external identity provider', { exact: true }).click();
        assert.notEqual(await f.locator('#identityProvider').evaluate((el) => (el as HTMLSelectElement).value), '', 'the new provider is picked');
        const app = await idp.addApp(`stark-mobile-${t.id}`);
        await f.locator('#clientId').click();
        await page.keyboard.type(app.clientId);
        await shot('11-configure-production-external-filled');
        await f.locator('#add-keys').click();
        await f.locator('.form-message', { hasText: 'Keys added' }).waitFor({ timeout: 30_000 });
        await shot('12-external-keys-added');
        await f.getByText('Back to Overview').click();
        const row = form(page).locator('tr[data-environment="production"]');
        await row.filter({ hasText: 'Stark IdP' }).waitFor({ timeout: 30_000 });
        const text = (await row.textContent()) ?? '';
        assert.ok(text.includes(app.clientId), `the row shows the Client ID: ${text}`);
        assert.match(text, /Client ID added/);
        await shot('13-overview-both-configured');
      });

      it('creates a connection in the form: the only service is picked, and errors go once fixed', async () => {
        await form(page).locator('#create-connection').click();
        const f = form(page);
        await f.getByRole('heading', { name: 'Create Connection' }).waitFor({ timeout: 30_000 });
        await f.locator('#endpointName vscode-option', { hasText: 'greeting' }).waitFor({ state: 'attached', timeout: 30_000 });
        assert.equal(await value(f, '#name'), 'Greeting Service', 'the only service is picked, and a name suggested from it');
        assert.equal(await tabs().count(), 1, "Create Connection opened in the consumer's tab");
        await shot('14-create-connection');
        // Empty the name: the form says so, under the field and once above it.
        await retype(page, f.locator('#name'), '');
        await f.locator('#create').click();
        await f.locator('#name-error').waitFor({ state: 'visible', timeout: 30_000 });
        assert.match((await f.locator('.form-message').textContent()) ?? '', /Check the marked fields/);
        await shot('15-create-connection-no-name');
        await f.locator('#name').click();
        await page.keyboard.type('Greeting Service');
        await f.locator('#name-error').waitFor({ state: 'hidden' });
        assert.equal(await f.locator('.form-message').isVisible(), false, '"Check the marked fields." went once every field was valid');
        await f.locator('#create').click();
        await f.getByText('Connection "Greeting Service" created.').waitFor({ timeout: 30_000 });
        await shot('16-connection-created');
      });

      it("writes the connection config to .env from the connection's row, with the secret, and shows the file", async () => {
        await expandTreeRow(page, 'Connections');
        for (const round of [1, 2]) {
          // The connection row (under Connections), not the service of the same name above it.
          await treeRows(page, 'Greeting Service').nth(1).waitFor({ timeout: 30_000 });
          await treeContextMenu(page, 'Greeting Service', 'Write Connection Config to .env', 1);
          await pick(page, 'Environment for Greeting Service', 'Development');
          await answerDialog(page, 'Include Secret');
          await page.locator('.tabs-container .tab', { hasText: '.env' }).waitFor({ timeout: 30_000 });
          await page.locator('.notifications-toasts', { hasText: 'Wrote 4 variables' }).waitFor({ timeout: 30_000 });
          if (round === 1) await shot('17-env-written');
        }
        const env = readFileSync(path.join(workbench.workspace, '.env'), 'utf8');
        assert.ok(env.includes(`CHOREO_GREETING_SERVICE_CONSUMERSECRET=${secret}`), 'the secret in force is in .env');
        assert.equal(env.match(/^# Choreo connection Greeting Service/gm)?.length, 1, `one header after two writes:\n${env.replace(secret, '<secret>')}`);
        assert.match(readFileSync(path.join(workbench.workspace, '.gitignore'), 'utf8'), /^\.env$/m);
        await clearNotifications();
      });

      for (const language of [
        { label: 'JavaScript', file: 'greeting-client.js', run: (file: string) => `node ${file}` },
        { label: 'Python', file: 'greeting_client.py', run: (file: string) => `python3 ${file}` },
      ]) {
        it(`inserts the ${language.label} snippet from the connection's row, saves it, and it runs outside VS Code with that .env`, async () => {
          await runCommand(page, 'View: Close All Editors');
          await treeContextMenu(page, 'Greeting Service', 'Insert Connection Snippet', 1);
          await pick(page, 'Environment for Greeting Service', 'Development');
          await pick(page, 'Insert Connection Snippet: Greeting Service', language.label);
          await page.locator('.editor-instance .view-lines', { hasText: 'CHOREO_GREETING_SERVICE' }).first().waitFor({ timeout: 30_000 });
          await saveAs(page, path.join(workbench.workspace, language.file));
          if (language.label === 'JavaScript') await shot('18-snippet-saved');
          const code = readFileSync(path.join(workbench.workspace, language.file), 'utf8');
          assert.ok(!code.includes(secret), 'no secret in the code');
          // Outside VS Code: a shell in the workspace sources the .env, as a person would, and runs the file.
          const result = await runProgram('sh', ['-c', `set -a; . ./.env; set +a; exec ${language.run(language.file)}`], {
            cwd: workbench.workspace,
            env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' },
            timeoutMs: 60_000,
          });
          assert.equal(result.code, 0, `${language.label} exited ${result.code}:\n${result.stderr}`);
          assert.match(result.stdout, /Hello, /, `the Greeting Service's answer: ${result.stdout}`);
        });
      }

      it("gets a test token for the form-issued keys from the environment's row", async () => {
        await treeContextMenu(page, 'Development', 'Get Test Token');
        await page.locator('.editor-instance .view-lines', { hasText: 'The gateway would accept this token' }).first().waitFor({ timeout: 30_000 });
        await shot('19-test-token');
      });

      it('deletes the consumer from the tree, and no secret of it is left in SecretStorage', async function () {
        this.timeout(300_000); // two heap snapshots of the workbench page
        const entry = 'choreo.secret/';
        const started = Date.now();
        // The check sees SecretStorage: before Delete, the consumer's entry and its secret are there.
        assert.deepEqual(await heapHolds(page, [entry, secret]), [entry, secret], 'the search finds the stored secret before Delete');
        await treeContextMenu(page, CONSUMER, 'Delete');
        const asked = await answerDialog(page, 'Delete');
        assert.match(asked, new RegExp(`Delete external consumer ${CONSUMER}\\?`));
        await treeRows(page, CONSUMER).waitFor({ state: 'detached', timeout: 30_000 });
        await clearNotifications();
        await page.waitForTimeout(1000);
        // The entry's key (and the vault index naming it) is gone. The secret's text itself may still sit elsewhere in
        // the page's memory, where the user put it: the .env they had written and opened, the clipboard they copied to.
        const left = await heapHolds(page, [entry]);
        console.log(`      two heap snapshots of the workbench: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        assert.deepEqual(left, [], 'no consumer secret entry is left in SecretStorage');
        await shot('20-deleted');
      });
    });
  }
});
