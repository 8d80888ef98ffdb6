// The Create Connection form and endpoint visibility (issue 15), through the UI only: a consumer in another project
// than the Greeting Service, whose endpoint has Project visibility, opens Create Connection: the form says at once,
// under the endpoint, that this endpoint takes consumers of its own project only and what to change, and its link opens
// the service's Overview, where the visibility is changed to Organization; then the same Create succeeds. Light theme;
// screenshots under test-results/connection-visibility-*.png.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { answerInput, createOrganization, expandTreeRow, form, openChoreoView, runCommand, treeContextMenu, treeRows } from './steps';

describe("Create Connection says when an endpoint's visibility leaves the consumer out, and links to the service", () => {
  let workbench: Workbench;
  let page: Page;
  const shot = async (step: string) => {
    await page.mouse.move(1100, 17);
    await page.waitForTimeout(300);
    console.log(`      screenshot: ${await workbench.screenshot(`connection-visibility-${step}`)}`);
  };

  before(async () => {
    workbench = await openWorkbench({ settings: { 'workbench.colorTheme': 'Default Light Modern' } });
    page = workbench.page;
    await openChoreoView(page);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      console.log(`      screenshot of the failure: ${await workbench.screenshot('connection-visibility-failed')}`);
  });
  after(async () => workbench?.close());

  it('a consumer in a project of its own opens Create Connection', async () => {
    await createOrganization(page, 'Wayne Labs');
    await runCommand(page, 'Choreo: Create Project');
    await answerInput(page, /Name of the project/, 'Mobile Apps');
    await answerInput(page, /Description/, '');
    await expandTreeRow(page, 'Wayne Labs');
    await treeRows(page, 'Mobile Apps').first().waitFor({ state: 'visible', timeout: 30_000 });
    await treeContextMenu(page, 'Mobile Apps', 'Create External Consumer');
    const f = form(page);
    await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await f.locator('#displayName').click();
    await page.keyboard.type('Wayne Field App');
    await f.getByText('Create', { exact: true }).click();
    await form(page).locator('#create-connection').click({ timeout: 30_000 });
    await form(page).getByRole('heading', { name: 'Create Connection' }).waitFor({ timeout: 30_000 });
  });

  it('says under the endpoint that its Project visibility leaves this consumer out, and what to change', async () => {
    const f = form(page);
    const error = f.locator('#endpointName-error');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(
      (await error.textContent()) ?? '',
      /^This endpoint has Project visibility: only consumers in project Default Project can connect to it\. Make it Organization or Public in the service's Overview, or pick another endpoint\.$/,
    );
    assert.match((await f.locator('#endpointName vscode-option').first().getAttribute('description')) ?? '', /Project: project Default Project only/);
    await f.locator('#open-service').waitFor({ state: 'visible' });
    await shot('01-refused-endpoint');
  });

  it('Create anyway: the server refuses it the same way, under the endpoint, naming the visibility', async () => {
    const f = form(page);
    await f.locator('#create').click();
    await f.locator('.form-message').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await f.locator('#endpointName-error').textContent()) ?? '', /Project visibility/);
    assert.equal(await f.getByText(/Connection ".*" created/).count(), 0);
  });

  it("its link opens the service's Overview, where the visibility is changed", async () => {
    await form(page).locator('#open-service').click();
    await page.locator('.tab.active', { hasText: /Greeting Service|greeting-service/ }).waitFor({ timeout: 30_000 });
    const f = form(page);
    await f.getByRole('heading', { name: 'Endpoints' }).waitFor({ timeout: 30_000 });
    await shot('02-service-overview');
  });

  it('made Organization there and saved, the same Create succeeds: the consumer of the other project is connected', async () => {
    const f = form(page);
    await f.locator('#visibility-greeting').click();
    await page.keyboard.press('ArrowDown'); // Project → Organization
    await page.keyboard.press('Enter');
    await f.locator('#save-visibility-greeting').click();
    await f.locator('#visibility-greeting-saved').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await f.locator('#visibility-greeting').evaluate((el) => (el as HTMLSelectElement).value), 'Organization');
    await page.locator('.tab', { hasText: 'Create Connection' }).click();
    const c = form(page);
    await c.locator('#create').click();
    await c.getByText('Connection "Greeting Service" created.').waitFor({ timeout: 30_000 });
    await shot('03-connected-after-widening');
  });
});
