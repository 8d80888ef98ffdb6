// A new user, in the test VS Code, goes through the seed's steps with the webview forms: creates an external consumer
// in the form, lands on its Overview, configures Development with Generate Keys, then Regenerate Secret, and looks at
// Production's external identity provider tab and at Create Connection. Every step is photographed in a dark and a
// light theme under test-results/forms-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../harness/workbench';

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;

/** The form in the visible webview panel (VS Code nests the page in two iframes). */
function form(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Picks the color theme the way a person does: Preferences: Color Theme, type its name, Enter. */
async function setTheme(page: Page, theme: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await page.waitForTimeout(500);
  await input.fill(theme);
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1000);
}

for (const [themeName, theme] of Object.entries(THEMES)) {
  describe(`Webview forms (${themeName} theme)`, () => {
    let workbench: Workbench;
    let page: Page;
    const shot = async (step: string) => {
      await page.mouse.move(1270, 790); // no hover tooltip in the picture
      await page.waitForTimeout(400);
      console.log(`      screenshot: ${await workbench.screenshot(`forms-${themeName}-${step}`)}`);
    };

    before(async () => {
      workbench = await openWorkbench();
      page = workbench.page;
      await setTheme(page, theme);
      await page.locator('.part.activitybar').getByRole('tab', { name: 'Choreo' }).click();
      await page.locator('.part.sidebar').getByText('There is no data provider registered').waitFor({ state: 'hidden', timeout: 60_000 });
    });
    after(async () => {
      await workbench?.close();
    });

    it('creates an organization to hold the project', async () => {
      await runCommand(page, 'Choreo: Create Organization');
      const input = page.locator('.quick-input-widget input');
      await page.waitForTimeout(500);
      await input.fill('Stark Industries');
      await page.keyboard.press('Enter');
      await page.locator('.part.sidebar').getByText('Stark Industries').first().waitFor({ state: 'visible', timeout: 30_000 });
    });

    it('creates an external consumer in the form, the unique name derived as the user types', async () => {
      await runCommand(page, 'Choreo: Create External Consumer');
      const f = form(page);
      await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
      await shot('1-create-empty');
      // Keyboard only: the display name has focus; typing fills the unique name.
      await page.keyboard.type('Stark Mobile App');
      await f.locator('#name').evaluate((el) => (el as HTMLInputElement).value).then((v) => assert.equal(v, 'stark-mobile-app'));
      await page.keyboard.press('Tab'); // unique name
      await page.keyboard.press('End');
      await page.keyboard.type('!');
      await f.locator('#name-error').waitFor({ state: 'visible' });
      assert.match((await f.locator('#name-error').textContent()) ?? '', /lower-case letters, digits and hyphens/);
      await shot('2-create-invalid-name');
      await page.keyboard.press('Backspace');
      await f.locator('#name-error').waitFor({ state: 'hidden' });
      await page.keyboard.press('Tab'); // description
      await page.keyboard.type('The iOS app of Stark Industries');
      await shot('3-create-filled');
      await f.getByText('Create', { exact: true }).click();
    });

    it('lands on the Overview with one row per environment', async () => {
      const f = form(page);
      await f.getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
      await f.locator('tr[data-environment="development"]').waitFor();
      assert.match((await f.locator('tr[data-environment="development"]').textContent()) ?? '', /Not configured/);
      await shot('4-overview');
    });

    it('configures Development with Generate Keys, the secret shown once', async () => {
      await form(page).locator('#configure-development').click();
      const f = form(page);
      await f.getByRole('heading', { name: 'Configure Development' }).waitFor({ timeout: 30_000 });
      await shot('5-configure-development');
      await f.locator('#generate-keys').click();
      await f.locator('#secret-value').waitFor({ timeout: 30_000 });
      const secret = await f.locator('#secret-value').evaluate((el) => (el as HTMLInputElement).value);
      assert.ok(secret.length >= 16, 'a real secret is shown');
      await f.locator('#regenerate-secret').waitFor();
      await shot('6-keys-generated');
      // Regenerate Secret asks first, in a VS Code dialog.
      await f.locator('#regenerate-secret').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      await shot('7-regenerate-confirm');
      await dialog.getByRole('button', { name: 'Regenerate Secret' }).click();
      await page.waitForFunction(async () => true);
      await f.locator('#secret-value').waitFor();
      await page.waitForTimeout(1000);
      const renewed = await f.locator('#secret-value').evaluate((el) => (el as HTMLInputElement).value);
      assert.notEqual(renewed, secret, 'Regenerate Secret shows a new secret');
      await f.locator('#regenerate-secret').focus();
      await shot('8-secret-regenerated-focus');
    });

    it('offers Production an external identity provider tab with the JWT note and the Well-Known URL link', async () => {
      await form(page).getByText('Back to Overview').click();
      await form(page).locator('#configure-production').click();
      const f = form(page);
      await f.getByRole('heading', { name: 'Configure Production' }).waitFor({ timeout: 30_000 });
      await f.getByText('An external identity provider', { exact: true }).click();
      await f.getByText('Add an identity provider by its Well-Known URL…').waitFor();
      assert.match((await f.locator('.tab-body').nth(1).textContent()) ?? '', /JWT/);
      await shot('9-configure-production-external');
    });

    it('opens Create Connection from the Overview', async () => {
      await form(page).getByText('Back to Overview').click();
      await form(page).locator('#create-connection').click();
      const f = form(page);
      await f.getByRole('heading', { name: 'Create Connection' }).waitFor({ timeout: 30_000 });
      await shot('10-create-connection');
    });
  });
}
