// In the editor, as a person sees it: a workspace linked to its external consumer (the link a teammate committed),
// a TypeScript file where `process.env.` offers the consumer's CHOREO_* variables, a hover that explains one, and a
// typo underlined with its quick fix. The organization comes from the palette; the consumer, its keys and its
// connection are made through the management API (the forms e2e walks those through the UI). Screenshots under
// test-results/editor-<theme>-<step>.png.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ControlPlaneClient } from '../../src/client/controlPlaneClient';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { createOrganization, openChoreoView, runCommand, THEMES } from './steps';

/** The local control plane's data folder: the one under the user-data folder that holds its admin token. */
function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === name) return full;
    if (statSync(full).isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

describe('In the editor: CHOREO_* variables completed, explained and checked', () => {
  for (const t of THEMES) {
    describe(`${t.id} theme`, () => {
      let workbench: Workbench;
      let page: Page;
      const shot = async (step: string) => console.log(`      screenshot: ${await workbench.screenshot(`editor-${t.id}-${step}`)}`);
      const editorText = () => page.locator('.editor-instance .view-lines').first();

      before(async () => {
        // The link, as a teammate committed it: in the folder before the window opens.
        workbench = await openWorkbench({
          settings: { 'workbench.colorTheme': t.theme },
          files: {
            '.choreo/consumer.json': JSON.stringify({
              controlPlane: 'local',
              organization: 'stark-industries',
              project: 'default',
              externalConsumer: 'stark-mobile-app',
            }),
            'client.ts': '// The Greeting Service, through the gateway\n\n',
          },
        });
        page = workbench.page;
        await openChoreoView(page);
        await createOrganization(page, 'Stark Industries');
        const dataDir = path.dirname(findFile(workbench.server.userDataDir, 'admin-token')!);
        const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
        const { url } = JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
        const client = new ControlPlaneClient({ baseUrl: url, token: async () => token });
        const consumer = await client.createComponent('stark-industries', 'default', {
          displayName: 'Stark Mobile App',
          name: 'stark-mobile-app',
          type: 'external-consumer',
        });
        await client.generateKeys('stark-industries', 'default', consumer.name, 'development');
        const service = (await client.listComponents('stark-industries', 'default', { type: 'service' })).items[0]!;
        await client.createConnection('stark-industries', 'default', consumer.name, {
          name: 'Greeting',
          serviceComponentName: service.name,
          endpointName: service.endpoints![0]!.name,
        });
        await page.locator('.statusbar-item', { hasText: 'stark-mobile-app' }).waitFor({ state: 'visible', timeout: 30_000 });
        await runCommand(page, 'Go to File');
        await page.locator('.quick-input-widget input').fill('client.ts');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'client.ts' }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab', { hasText: 'client.ts' }).waitFor();
        await editorText().click();
        await page.keyboard.press('Control+End');
      });
      after(async () => {
        await workbench?.close();
      });

      it('the status bar names the linked consumer', async () => {
        assert.match((await page.locator('.statusbar-item', { hasText: 'stark-mobile-app' }).first().innerText()).trim(), /stark-mobile-app/);
      });

      it("process.env. offers the connection's variables, each saying its connection and endpoint", async () => {
        // Inserted as pasted text (no suggestions of the language's own on the way), then the "." typed, as a person
        // would type it: the trigger character.
        await page.keyboard.insertText('const url = process.env');
        await page.keyboard.type('.');
        const suggest = page.locator('.suggest-widget');
        const row = suggest.locator('.monaco-list-row', { hasText: 'CHOREO_GREETING_SERVICEURL' });
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await suggest.locator('.monaco-list-row', { hasText: 'CHOREO_GREETING_CONSUMERSECRET' }).count(), 1);
        // Details of the focused row (Ctrl+Space toggles them), for the picture.
        await page.keyboard.press('Control+Space');
        await page.waitForTimeout(500);
        await shot('completion');
        await row.click();
        await page.keyboard.type(';\n', { delay: 20 });
        assert.match(await editorText().innerText(), /process\.env\.CHOREO_GREETING_SERVICEURL;/);
      });

      it('a hover on the name says what it is, per environment, and keeps the secret in SecretStorage', async () => {
        await page.locator('.view-line span', { hasText: 'CHOREO_GREETING_SERVICEURL' }).first().hover();
        const hover = page.locator('.monaco-hover:visible');
        await hover.getByText('Greeting', { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
        const text = await hover.innerText();
        assert.match(text, /ServiceURL of connection Greeting/);
        assert.match(text, /Development/);
        assert.match(text, /ConsumerSecret: kept in SecretStorage/);
        await shot('hover');
        await page.keyboard.press('Escape');
      });

      it('a typo is underlined, and its quick fix offers the name meant', async () => {
        await page.mouse.move(900, 600);
        await page.keyboard.press('Control+End');
        await page.keyboard.insertText('const token = process.env.CHOREO_GREETNG_TOKENURL;');
        await page.keyboard.press('Escape');
        await page.locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: 30_000 });
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget');
        await menu.getByText('Change to CHOREO_GREETING_TOKENURL').waitFor({ state: 'visible', timeout: 30_000 });
        await shot('quick-fix');
        // The preferred fix is the first row, focused: Enter applies it.
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.querySelectorAll('.squiggly-warning').length === 0, undefined, { timeout: 30_000 });
        assert.match(await editorText().innerText(), /process\.env\.CHOREO_GREETING_TOKENURL;/);
      });
    });
  }
});

describe('In the editor: a link that arrives after the window opened (git pull)', () => {
  it('loads the editor features and names the consumer in the status bar', async () => {
    const workbench = await openWorkbench();
    try {
      await openChoreoView(workbench.page);
      // The folder arrives whole, as a pull or a copy brings it (the watcher may report only the folder).
      mkdirSync(path.join(workbench.workspace, '.choreo'), { recursive: true });
      writeFileSync(
        path.join(workbench.workspace, '.choreo', 'consumer.json'),
        JSON.stringify({ controlPlane: 'local', organization: 'stark-industries', project: 'default', externalConsumer: 'pulled-app' }),
      );
      await workbench.page.locator('.statusbar-item', { hasText: 'pulled-app' }).waitFor({ state: 'visible', timeout: 30_000 });
    } finally {
      await workbench.close();
    }
  });
});
