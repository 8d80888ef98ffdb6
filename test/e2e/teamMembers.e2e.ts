// A team member in the test VS Code: the workbench is pointed at a team control plane that signs people in with the
// company's identity provider (oidc-provider, device flow). The person picks "Sign in with your team's identity
// provider", reads the code in the notification, enters it on the provider's page in the browser (driven by
// Playwright), signs in and consents; then the Accounts menu names them, the organization shows its Members, and a
// write the person's role does not allow is refused with a message naming the role needed and the Admins.
// Photographed under test-results/team-*.png.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { paths } from '../../src/api/routes';
import { startTeamServer, type TeamServer } from '../controlPlane/members/teamServer';
import { PEOPLE } from '../controlPlane/members/usersIdentityProvider';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { answerInput, openChoreoView, pick, runCommand } from './steps';

describe('Team members in the workbench', function () {
  this.timeout(240_000);
  let team: TeamServer;
  let workbench: Workbench;
  let page: Page;
  let annOrg: { handle: string; name: string };
  let daveOrg: { handle: string; name: string };
  const shot = async (name: string, settle = 500) => {
    await page.waitForTimeout(settle);
    console.log(`      screenshot: ${await workbench.screenshot(`team-${name}`)}`);
  };

  before(async () => {
    team = await startTeamServer();
    const a = await team.organization();
    annOrg = { handle: a.handle, name: (await team.cp.call('GET', paths.org(a.handle), undefined, { token: team.tokens.ann })).body.name };
    // Dave's own organization, where Ann is only a Viewer.
    const d = await team.cp.call('POST', paths.orgs(), { name: 'Dave Skunkworks' }, { token: team.tokens.dev });
    daveOrg = { handle: d.body.handle, name: d.body.name };
    await team.cp.call('POST', paths.members(daveOrg.handle), { email: PEOPLE.ann.email, role: 'viewer' }, { token: team.tokens.dev });
    workbench = await openWorkbench({ settings: { 'choreo.controlPlane.url': team.cp.url } });
    page = workbench.page;
  });
  after(async () => {
    await workbench?.close();
    await team?.close();
  });

  it("signs in with the device flow on the provider's page; the Accounts menu names the person", async () => {
    await openChoreoView(page);
    await pick(page, /Sign in to/, 'Sign in with your team');
    const toast = page.locator('.notifications-toasts').getByText(/enter the code [A-Z]{4}-[A-Z]{4}/);
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await shot('user-code');
    const userCode = /[A-Z]{4}-[A-Z]{4}/.exec((await toast.textContent()) ?? '')![0];

    // The person at the provider's page, in a browser tab of their own.
    const idpPage = await page.context().browser()!.newPage();
    await idpPage.goto(`${team.idp.issuer}/device`);
    await idpPage.locator('input[name="user_code"]').fill(userCode);
    await idpPage.getByRole('button', { name: 'Continue' }).click();
    await idpPage.getByRole('button', { name: 'Continue' }).first().click(); // "Confirm Device"
    await idpPage.locator('input[name="login"]').fill('ann');
    await idpPage.locator('input[name="password"]').fill('any password');
    await idpPage.getByRole('button', { name: 'Sign-in' }).click();
    await idpPage.getByRole('button', { name: 'Continue' }).click(); // consent
    await idpPage.getByText(/Sign-in Success/i).waitFor({ state: 'visible', timeout: 15_000 });
    await idpPage.close();
    // Back to the VS Code tab: its menus close when the page has no focus.
    await page.bringToFront();

    const sideBar = page.locator('.part.sidebar');
    await sideBar.getByText(annOrg.name).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await sideBar.getByText('Olga').count(), 0);
    await page
      .locator('.part.activitybar')
      .getByRole('button', { name: /Accounts/ })
      .click();
    const menu = page.locator('.monaco-menu-container, .context-view .monaco-menu').first();
    await menu
      .getByText(new RegExp(`${PEOPLE.ann.name}.*Choreo \\(127\\.0\\.0\\.1:\\d+\\)`))
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(300);
    await menu.getByText(PEOPLE.ann.name).first().hover(); // its submenu: Sign Out
    await shot('accounts-menu', 600);
    // The submenu, then the menu.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page
      .locator('.context-view-block')
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => page.mouse.click(800, 500));
  });

  it("shows the organization's Members with their roles", async () => {
    const sideBar = page.locator('.part.sidebar');
    await sideBar.getByText(annOrg.name).first().click();
    await sideBar.getByText('Members', { exact: true }).first().click();
    for (const p of [PEOPLE.ann, PEOPLE.dev, PEOPLE.vic]) await sideBar.getByText(p.name).first().waitFor({ state: 'visible', timeout: 30_000 });
    await sideBar.getByText(PEOPLE.dev.name).first().click({ button: 'right' });
    await page.locator('.context-view .monaco-menu').getByText('Change Role').waitFor({ state: 'visible' });
    await shot('members-node', 600);
    await page.keyboard.press('Escape');
  });

  it('a write the role does not allow is refused, naming the role needed and the Admins', async () => {
    await runCommand(page, 'Choreo: Create Project');
    await pick(page, 'Organization', daveOrg.name);
    await answerInput(page, /Name of the project/, 'Not Mine');
    await answerInput(page, /Description/, '');
    const message = page.locator('.notifications-toasts').getByText(/needs the Developer role in organization/);
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await message.textContent()) ?? '';
    assert.match(text, /you are a Viewer/);
    assert.ok(text.includes(`${PEOPLE.dev.name} <${PEOPLE.dev.email}>`), text);
    await shot('forbidden-message');
  });
});
