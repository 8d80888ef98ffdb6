// A new user, in the test VS Code, walks the seed's whole flow with the webview forms: creates an external consumer in
// the form and lands on its Overview; configures Development with Generate Keys, then Regenerate Secret; registers an
// external identity provider (oidc-provider on loopback) by its Well-Known URL from the Configure form and adds
// Production's keys with the Client ID of an app there; creates a connection to the sample Greeting Service (which the
// local control plane puts in every new organization) and inserts its snippet into an editor.
// The theme is set in the user settings before the workbench opens. The whole flow runs in a light and a dark theme;
// high contrast photographs the Create, Overview and Configure forms only (the flow is the same; CI time is not).
// Every step is photographed under test-results/forms-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../snippets/fixtures/externalIdentityProvider';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { answerInput, createOrganization, form, openChoreoView, pick, runCommand, themeKind } from './steps';

const THEMES = [
  { id: 'light', theme: 'Default Light Modern', kind: 'vs', fullFlow: true },
  { id: 'dark', theme: 'Default Dark Modern', kind: 'vs-dark', fullFlow: true },
  { id: 'hc', theme: 'Default High Contrast', kind: 'hc-black', fullFlow: false },
] as const;

describe('Webview forms, the seed flow', () => {
  let idp: ExternalIdentityProvider;
  before(async () => {
    idp = await startExternalIdentityProvider();
  });
  after(async () => {
    await idp?.close();
  });

  for (const t of THEMES) {
    describe(`${t.id} theme (${t.theme})`, () => {
      let workbench: Workbench;
      let page: Page;
      /** The Development secret last shown: no snippet may contain it. */
      let developmentSecret = '';
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(400);
        console.log(`      screenshot: ${await workbench.screenshot(`forms-${t.id}-${step}`)}`);
      };

      before(async () => {
        workbench = await openWorkbench({ settings: { 'workbench.colorTheme': t.theme } });
        page = workbench.page;
        await openChoreoView(page);
      });
      after(async () => {
        await workbench?.close();
      });

      it(`opens in the ${t.theme} theme, set in the user settings`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it('creates an external consumer in the form, the unique name derived as the user types', async () => {
        await createOrganization(page, 'Stark Industries');
        await runCommand(page, 'Choreo: Create External Consumer');
        const f = form(page);
        await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
        await shot('01-create-empty');
        // Keyboard only: the display name has focus; typing fills the unique name.
        await page.keyboard.type('Stark Mobile App');
        assert.equal(await f.locator('#name').evaluate((el) => (el as HTMLInputElement).value), 'stark-mobile-app');
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

      it('lands on the Overview with one row per environment', async () => {
        const f = form(page);
        await f.getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
        await f.locator('tr[data-environment="development"]').waitFor();
        assert.match((await f.locator('tr[data-environment="development"]').textContent()) ?? '', /Not configured/);
        await f.locator('#configure-development').focus();
        await shot('04-overview');
      });

      it(t.fullFlow ? 'configures Development with Generate Keys, the secret shown once' : 'opens Configure Development from the Overview', async () => {
        await form(page).locator('#configure-development').click();
        const f = form(page);
        await f.getByRole('heading', { name: 'Configure Development' }).waitFor({ timeout: 30_000 });
        await shot('05-configure-development');
        if (!t.fullFlow) return;
        await f.locator('#generate-keys').click();
        await f.locator('#secret-value').waitFor({ timeout: 30_000 });
        const secret = await f.locator('#secret-value').evaluate((el) => (el as HTMLInputElement).value);
        assert.ok(secret.length >= 16, 'a real secret is shown');
        await f.locator('#regenerate-secret').waitFor();
        await shot('06-keys-generated');
        // Regenerate Secret asks first, in a VS Code dialog.
        await f.locator('#regenerate-secret').click();
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible' });
        await shot('07-regenerate-confirm');
        await dialog.getByRole('button', { name: 'Regenerate Secret' }).click();
        let renewed = secret;
        for (let i = 0; i < 50 && renewed === secret; i++) {
          await page.waitForTimeout(100);
          renewed = await f.locator('#secret-value').evaluate((el) => (el as HTMLInputElement).value);
        }
        assert.notEqual(renewed, secret, 'Regenerate Secret shows a new secret');
        developmentSecret = renewed;
        await f.locator('#regenerate-secret').focus();
        await shot('08-secret-regenerated-focus');
      });

      if (!t.fullFlow) return;

      it('registers an external identity provider by its Well-Known URL from the Configure form, and adds Production\'s keys with a Client ID', async () => {
        await form(page).getByText('Back to Overview').click();
        await form(page).locator('#configure-production').click();
        const f = form(page);
        await f.getByRole('heading', { name: 'Configure Production' }).waitFor({ timeout: 30_000 });
        await f.getByText('An external identity provider', { exact: true }).click();
        await f.locator('#add-identity-provider').waitFor();
        assert.match((await f.locator('.tab-body').nth(1).textContent()) ?? '', /JWT/);
        await shot('09-configure-production-no-provider');

        // The link runs Add Identity Provider for this organization; its input boxes take the rest.
        await f.locator('#add-identity-provider').click();
        await answerInput(page, 'Name', 'Stark IdP');
        await answerInput(page, 'Well-Known URL', idp.wellKnownUrl);
        await answerInput(page, 'Description', 'oidc-provider on loopback');
        await f.locator('#identityProvider vscode-option', { hasText: 'Stark IdP' }).waitFor({ state: 'attached', timeout: 30_000 });
        // The "added" toast would cover the next pictures.
        await runCommand(page, 'Notifications: Clear All Notifications');
        assert.equal(await f.locator('#identityProvider').evaluate((el) => (el as HTMLSelectElement).value !== ''), true, 'the new provider is picked');

        const app = await idp.addApp(`stark-mobile-${t.id}`);
        await f.locator('#clientId').click();
        await page.keyboard.type(app.clientId);
        await shot('10-configure-production-external-filled');
        await f.locator('#add-keys').click();
        await f.locator('.form-message', { hasText: 'Keys added' }).waitFor({ timeout: 30_000 });
        await shot('11-external-keys-added');

        await f.getByText('Back to Overview').click();
        const row = form(page).locator('tr[data-environment="production"]');
        await row.filter({ hasText: 'Stark IdP' }).waitFor({ timeout: 30_000 });
        const text = (await row.textContent()) ?? '';
        assert.match(text, /Stark IdP/);
        assert.ok(text.includes(app.clientId), `the row shows the Client ID: ${text}`);
        assert.match(text, /Client ID added/);
        assert.match((await form(page).locator('tr[data-environment="development"]').textContent()) ?? '', /Keys generated/);
        await shot('12-overview-both-configured');
      });

      it('creates a connection to the Greeting Service from the Overview, with the keyboard', async () => {
        await form(page).locator('#create-connection').click();
        const f = form(page);
        await f.getByRole('heading', { name: 'Create Connection' }).waitFor({ timeout: 30_000 });
        await shot('13-create-connection');
        // The service field has focus: type to search, arrow to the match, Enter.
        await f.locator('#service').click();
        await page.keyboard.type('Greet');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await f.locator('#endpointName vscode-option', { hasText: 'greeting' }).waitFor({ state: 'attached' });
        assert.equal(await f.locator('#name').evaluate((el) => (el as HTMLInputElement).value), 'Greeting Service', 'a name suggested from the service');
        await shot('14-create-connection-filled');
        await f.locator('#create').click();
        await f.getByText('Connection "Greeting Service" created.').waitFor({ timeout: 30_000 });
        await shot('15-connection-created');
      });

      it('inserts the connection snippet into an editor: CHOREO_* variables, no secret', async () => {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.server.origin });
        await form(page).locator('#insert-snippet').click();
        await pick(page, 'Environment for Greeting Service', 'Development');
        await pick(page, 'Insert Connection Snippet: Greeting Service', 'TypeScript');
        const editor = page.locator('.editor-instance .monaco-editor').first();
        await editor.locator('.view-lines', { hasText: 'CHOREO_GREETING_SERVICE' }).waitFor({ timeout: 30_000 });
        await shot('16-snippet-inserted');
        // The whole text, as a person would copy it out of the editor.
        await editor.locator('.view-lines').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Control+C');
        const code = await page.evaluate(() => navigator.clipboard.readText());
        for (const key of ['SERVICEURL', 'CONSUMERKEY', 'CONSUMERSECRET', 'TOKENURL']) {
          assert.ok(code.includes(`CHOREO_GREETING_SERVICE_${key}`), `the snippet reads CHOREO_GREETING_SERVICE_${key}`);
        }
        assert.match(code, /client_credentials/);
        assert.ok(developmentSecret.length >= 16 && !code.includes(developmentSecret), 'the secret is not in the code');
      });

      it('lists the connection on the Overview with Insert Snippet', async () => {
        await page.keyboard.press('Escape');
        await page.getByRole('tab', { name: /^Stark Mobile App/ }).click();
        const f = form(page);
        await f.locator('#snippet-Greeting\\ Service').waitFor({ timeout: 30_000 });
        assert.match((await f.locator('ul.list').textContent()) ?? '', /Greeting Service → default\/greeting-service · greeting/);
        await shot('17-overview-with-connection');
      });
    });
  }
});
