// The Identity Providers node and a provider's overview in the test VS Code, in a light and a dark theme: an
// organization made in the UI, a consumer whose Development keys come from an external provider (oidc-provider on
// loopback; set up through the management API, which the forms test walks already), then in the UI: the node
// expanded with the consumer under the provider, the provider's overview, its Refresh after the provider moved its
// token endpoint and added a key, and Delete from the row's menu, refused with a button that opens the consumer.
// Photographed under test-results/idp-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { paths } from '../../src/api/routes';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { startExternalIdentityProvider, type ExternalIdentityProvider } from '../snippets/fixtures/externalIdentityProvider';
import { answerDialog, createOrganization, expandTreeRow, form, openChoreoView, themeKind, THEMES, treeContextMenu, treeRows } from './steps';

const ORG = 'Wayne Enterprises';
const ORG_HANDLE = 'wayne-enterprises';

/** The admin token of the local control plane the extension started, from its data folder under the user data. */
function adminToken(userDataDir: string): string {
  const file = readdirSync(userDataDir, { recursive: true, encoding: 'utf8' }).find((f) => path.basename(f) === 'admin-token');
  assert.ok(file, 'the local control plane wrote its admin token');
  return readFileSync(path.join(userDataDir, file), 'utf8').trim();
}

describe('Identity providers in the workbench', function () {
  this.timeout(240_000);
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
      let call: (method: string, p: string, body?: unknown) => Promise<Record<string, unknown>>;
      const shot = async (step: string) => {
        await page.mouse.move(1100, 17); // an empty stretch of the title bar: no hover tooltip in the picture
        await page.waitForTimeout(500);
        console.log(`      screenshot: ${await workbench.screenshot(`idp-${t.id}-${step}`)}`);
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
        if (this.currentTest?.state === 'failed' && page) console.log(`      screenshot of the failure: ${await workbench.screenshot(`idp-${t.id}-failed`)}`);
      });
      after(async () => {
        await workbench?.close();
      });

      it(`opens in the ${t.theme} theme`, async () => {
        assert.equal(await themeKind(page), t.kind);
      });

      it('shows the Identity Providers node expanded, with the consumer using the external provider under it', async () => {
        await createOrganization(page, ORG);
        const consumer = await call('POST', paths.components(ORG_HANDLE, 'default'), {
          displayName: 'Wayne Field App',
          name: 'wayne-field-app',
          description: '',
          type: 'external-consumer',
        });
        const provider = await call('POST', paths.identityProviders(ORG_HANDLE), {
          name: 'Wayne Okta',
          description: "The company's workforce provider (oidc-provider in this test)",
          wellKnownUrl: idp.wellKnownUrl,
          environments: 'all',
          audiences: [],
        });
        await call('PUT', `${paths.authFor(ORG_HANDLE, 'default', String(consumer.name), 'development')}/external`, {
          identityProviderId: provider.id,
          clientId: 'wayne-field-dev',
        });
        await call('POST', `${paths.authFor(ORG_HANDLE, 'default', String(consumer.name), 'production')}/generate-keys`, {});
        const builtIn = ((await call('GET', paths.identityProviders(ORG_HANDLE))).items as { kind: string; name: string }[]).find(
          (p) => p.kind === 'built-in',
        )!;
        // A wider side bar, as a person would drag it, so the rows' descriptions show whole.
        const box = (await page.locator('.part.sidebar').boundingBox())!;
        await page.mouse.move(box.x + box.width + 1, 400);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width + 240, 400, { steps: 5 });
        await page.mouse.up();
        await expandTreeRow(page, ORG);
        await expandTreeRow(page, 'Identity Providers');
        await expandTreeRow(page, 'Wayne Okta');
        await expandTreeRow(page, builtIn.name);
        await treeRows(page, 'Wayne Field App').nth(1).waitFor({ state: 'visible', timeout: 30_000 });
        const row = treeRows(page, 'Wayne Okta').first();
        assert.match((await row.textContent()) ?? '', /127\.0\.0\.1:\d+ · used by 1/);
        assert.match((await treeRows(page, builtIn.name).first().textContent()) ?? '', /built-in · used by 1/);
        // The consumer under each provider, by the environment whose keys come from it.
        assert.match((await treeRows(page, 'Wayne Field App').nth(0).textContent()) ?? '', /Production · default/);
        assert.match((await treeRows(page, 'Wayne Field App').nth(1).textContent()) ?? '', /Development · default/);
        await shot('01-tree');
      });

      it("opens the provider's overview from its row: issuer, endpoints, audiences, environments, the consumer using it", async () => {
        const row = treeRows(page, 'Wayne Okta').first();
        await row.hover();
        await row.getByRole('button', { name: 'Open Identity Provider' }).click();
        const f = form(page);
        await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
        assert.equal(await f.locator('#issuer').textContent(), idp.issuer);
        assert.equal(await f.locator('#token-endpoint').textContent(), idp.tokenEndpoint);
        assert.equal(await f.locator('#well-known-url').textContent(), idp.wellKnownUrl);
        assert.match((await f.locator('#used-by').textContent()) ?? '', /Wayne Field App/);
        await shot('02-overview');
      });

      it('Refresh on the overview says what changed after the provider moved its token endpoint and added a key', async () => {
        const before = idp.tokenEndpoint;
        await idp.reconfigure({ tokenPath: `/${t.id}/token` });
        const f = form(page);
        await f.locator('#refresh').click();
        const note = f.locator('#refreshed');
        await note.waitFor({ state: 'visible', timeout: 30_000 });
        const lines = await note.locator('li').allTextContents();
        assert.equal(lines[0], `Token endpoint: ${before} → ${idp.tokenEndpoint}`);
        assert.match(lines[1] ?? '', /^Signing keys: added [^;→]+$/);
        assert.equal(lines.length, 2);
        assert.equal(await f.locator('#token-endpoint').textContent(), idp.tokenEndpoint);
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'Refreshing Wayne Okta' }).waitFor({ state: 'hidden', timeout: 30_000 });
        await shot('03-overview-refreshed');
      });

      it("Delete from the row's menu asks naming the provider, is refused while in use, and offers to open the consumer", async () => {
        await treeContextMenu(page, 'Wayne Okta', 'Delete Identity Provider');
        const asked = await answerDialog(page, 'Delete');
        assert.match(asked, /Delete identity provider Wayne Okta\?/);
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'is used by' });
        await toast.waitFor({ timeout: 30_000 });
        assert.match((await toast.textContent()) ?? '', /wayne-field-app \(Development\)/);
        await page
          .locator('.notifications-toasts .notification-toast', { hasText: 'Deleting identity provider' })
          .waitFor({ state: 'hidden', timeout: 30_000 });
        await shot('04-delete-refused');
        await toast.getByRole('button', { name: 'Open Wayne Field App' }).click();
        await page.locator('.tabs-container .tab', { hasText: /Wayne Field App/ }).waitFor({ timeout: 30_000 });
      });

      it("the built-in provider's overview offers neither Refresh nor Delete", async () => {
        const row = treeRows(page, 'Choreo Built-in Identity Provider').first();
        await row.hover();
        await row.getByRole('button', { name: 'Open Identity Provider' }).click();
        await page.locator('.tabs-container .tab', { hasText: 'Identity Provider · Choreo Built-in' }).waitFor({ timeout: 30_000 });
        const f = form(page);
        await f.locator('h1', { hasText: 'Choreo Built-in Identity Provider' }).waitFor({ timeout: 30_000 });
        assert.equal(await f.locator('#refresh, #delete').count(), 0);
        assert.match((await f.locator('#used-by').textContent()) ?? '', /Wayne Field App · keys in Production/);
        await shot('05-built-in-overview');
      });
    });
  }
});
