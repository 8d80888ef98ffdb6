// The extension in VS Code's pseudo-locale (qps-ploc), as a translator's check: the Choreo view (its title, welcome
// and tree rows), forms (Create External Consumer, then the Overview; Configure's Key settings) and a notification
// (Generate Keys from the tree)
// show the pseudo texts of l10n/bundle.l10n.qps-ploc.json and package.nls.qps-ploc.json, and none of the extension's
// own English. VS Code's strings stay English here (its pseudo language pack cannot be installed: codeServer.ts,
// installLanguagePack), and so do the control plane's data (Development, the names typed) and its error texts.
// Screenshots: test-results/l10n-*.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { expandTreeRow, form, treeContextMenu } from './steps';

const json = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, string | { message: string }>;
const text = (v: string | { message: string } | undefined) => (typeof v === 'string' ? v : v?.message);
const englishBundle = json('l10n/bundle.l10n.json');
const pseudoBundle = json('l10n/bundle.l10n.qps-ploc.json');
const englishNls = json('package.nls.json');
const pseudoNls = json('package.nls.qps-ploc.json');

/** The pseudo text of a runtime string (the English, as the code writes it). */
function t(english: string, ...args: string[]): string {
  const pseudo = text(pseudoBundle[english]);
  assert.ok(pseudo, `no pseudo text for "${english}"`);
  return pseudo.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}
/** The pseudo text of a manifest key. */
function nls(key: string): string {
  const pseudo = text(pseudoNls[key]);
  assert.ok(pseudo, `no pseudo text for %${key}%`);
  return pseudo;
}

/**
 * The extension's English as it could show: each text of the bundle and of package.nls.json cut at its placeholders
 * and markdown links, the pieces of two words or more. A piece found on screen is English the extension left there.
 */
const ENGLISH_PIECES = [
  ...new Set(
    [...Object.values(englishBundle), ...Object.values(englishNls)]
      .map((v) => text(v)!)
      .flatMap((s) => s.split(/\{\d+\}|\]\(command:[^)]*\)|[[\]\n*`"]/))
      .map((s) => s.trim())
      .filter((s) => /^[A-Za-z].* [A-Za-z]/.test(s) && s.length >= 10),
  ),
];

/** What the test typed or the control plane named (data, not the extension's text). */
const DATA = ['Stark Mobile App', 'Stark Industries', 'Default Project', 'stark-mobile-app', 'stark-industries', 'Choreo Built-in Identity Provider'];

function englishIn(shown: string): string[] {
  const lower = DATA.reduce((text, data) => text.split(data.toLowerCase()).join(' '), shown.toLowerCase());
  return ENGLISH_PIECES.filter((piece) => lower.includes(piece.toLowerCase()));
}

async function innerText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).allInnerTexts()).join('\n');
}

describe('pseudo-localised (qps-ploc): the view, a form and a notification show no extension English', () => {
  let workbench: Workbench;
  let page: Page;
  const CONSUMER = DATA[0]!;
  const shot = async (name: string) => console.log(`      screenshot: ${await workbench.screenshot(`l10n-${name}`)}`);

  before(async () => {
    workbench = await openWorkbench({ locale: 'qps-ploc', settings: { 'workbench.colorTheme': 'Default Light Modern' } });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it("the activity bar, the view's title and its welcome are the pseudo texts of package.nls.json", async () => {
    const icon = page.locator('.part.activitybar').getByRole('tab', { name: nls('viewsContainers.choreo.title') });
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const sideBar = page.locator('.part.sidebar');
    await sideBar.getByText('There is no data provider registered').waitFor({ state: 'hidden', timeout: 60_000 });
    const welcome = nls('viewsWelcome.choreo.resources.empty').split('\n')[0]!;
    await sideBar.getByText(welcome).waitFor({ state: 'visible', timeout: 60_000 });
    await page.mouse.move(900, 700);
    await shot('01-welcome');
    const shown = await innerText(page, '.part.sidebar');
    assert.ok(shown.toLowerCase().includes(nls('views.choreo.resources.name').toLowerCase()), `the view's pseudo name: ${shown}`);
    assert.deepEqual(englishIn(shown), [], `English in the view:\n${shown}`);
  });

  it("Create Organization from the palette asks in pseudo text; the tree's rows are pseudo text", async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    const title = `${nls('category')}: ${nls('choreo.createOrganization.title')}`;
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-message', { hasText: t('Name of the organization') }).waitFor({ state: 'visible', timeout: 30_000 });
    await shot('02-create-organization-prompt');
    const asked = await innerText(page, '.quick-input-widget');
    assert.deepEqual(englishIn(asked), [], `English in the input box:\n${asked}`);
    await input.fill('Stark Industries');
    await page.keyboard.press('Enter');
    await expandTreeRow(page, 'Stark Industries');
    await page.locator('.part.sidebar').getByText(t('Identity Providers')).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('the Create External Consumer form and the Overview it becomes are pseudo text', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    const title = `${nls('category')}: ${nls('choreo.createExternalConsumer.title')}`;
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const f = form(page);
    await f.getByRole('heading', { name: t('Create an External Consumer') }).waitFor({ timeout: 60_000 });
    assert.equal(await f.locator('html').getAttribute('lang'), 'qps-ploc', 'the page says its language');
    await shot('03-create-form');
    const created = await f.locator('body').innerText();
    assert.deepEqual(englishIn(created), [], `English in the form:\n${created}`);
    await f.locator('#displayName').click();
    await page.keyboard.type(CONSUMER);
    await f.getByText(t('Create'), { exact: true }).click();
    await f.getByRole('heading', { name: t('Authentication Configurations') }).waitFor({ timeout: 30_000 });
    await f.locator('tr[data-environment="development"]').waitFor();
    await shot('04-overview');
    const overview = await f.locator('body').innerText();
    assert.ok(overview.includes(t('No keys yet')), `the state of an environment in pseudo text:\n${overview}`);
    assert.deepEqual(englishIn(overview), [], `English in the Overview:\n${overview}`);
  });

  it('Generate Keys from the tree: the notification and its buttons are pseudo text, and so are the rows', async () => {
    await expandTreeRow(page, 'Default Project');
    await expandTreeRow(page, CONSUMER);
    await treeContextMenu(page, 'Development', nls('choreo.generateKeys.title'));
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: t('Keys generated') });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: t('Copy Secret') }).waitFor();
    await page.mouse.move(900, 700);
    await shot('05-keys-notification');
    const notification = await toast.innerText();
    assert.deepEqual(englishIn(notification), [], `English in the notification:\n${notification}`);
    const view = await innerText(page, '.part.sidebar');
    assert.ok(view.includes(t('Built-in · keys generated')), `the environment row's state in pseudo text:\n${view}`);
    assert.deepEqual(englishIn(view), [], `English in the view:\n${view}`);
  });

  it('Configure Authentication: the Key settings section, a callback URL added and saved, is pseudo text', async () => {
    await treeContextMenu(page, 'Development', nls('choreo.configureAuthentication.title'));
    const f = form(page);
    await f.getByRole('heading', { name: t('Key settings') }).waitFor({ timeout: 30_000 });
    await f.locator('#ks-callbackUrls-add').click();
    await f.locator('#ks-callbackUrls-0').click();
    await page.keyboard.type('http://localhost:5173/callback');
    await f.locator('#save-key-settings').click();
    await f
      .locator('.form-message.info', { hasText: t('Key settings saved: they apply to the next sign-in and token in {0}.', 'Development') })
      .waitFor({ timeout: 30_000 });
    await f.locator('#ks-h').scrollIntoViewIfNeeded();
    await page.mouse.move(900, 700);
    await shot('06-key-settings');
    await f.locator('#ks-endpoints').scrollIntoViewIfNeeded();
    await shot('07-key-settings-endpoints');
    const shown = await f.locator('body').innerText();
    assert.ok(shown.includes(t('Callback URLs')) && shown.includes(t('Refresh token expiry time')), `the section's labels in pseudo text:\n${shown}`);
    assert.deepEqual(englishIn(shown), [], `English in the Configure form:\n${shown}`);
  });
});
