// What a person does in the test VS Code, as small steps shared by the e2e tests and the forms bench: run a command
// from the palette, answer an input box, pick from a quick pick, reach the form in the visible webview panel.
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** The themes each walk is photographed in: VS Code's theme, the kind it puts on the workbench, and the colour scheme a
 * page opened beside it (an app, a sign-in page) is shown in. */
export const THEMES = [
  { id: 'light', theme: 'Default Light Modern', kind: 'vs', colorScheme: 'light' },
  { id: 'dark', theme: 'Default Dark Modern', kind: 'vs-dark', colorScheme: 'dark' },
] as const;
export const HIGH_CONTRAST = { id: 'hc', theme: 'Default High Contrast', kind: 'hc-black', colorScheme: 'dark' } as const;

/** The form in the visible webview panel (VS Code nests the page in two iframes). */
export function form(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

/** F1, the command's title, Enter: the way a person runs a command. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Answers the input box whose prompt (the line under the field) matches `prompt`. */
export async function answerInput(page: Page, prompt: string | RegExp, value: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-message', { hasText: prompt }).waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('input').fill(value);
  await page.keyboard.press('Enter');
}

/** Picks the row labelled `label` in the quick pick titled `title`. */
export async function pick(page: Page, title: string | RegExp, label: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('input').fill(label);
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** The workbench's theme kind, from the class VS Code puts on the workbench: vs, vs-dark, hc-black or hc-light. */
export async function themeKind(page: Page): Promise<string> {
  const classes = (await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
  return ['hc-black', 'hc-light', 'vs-dark', 'vs'].find((kind) => classes.split(/\s+/).includes(kind)) ?? 'unknown';
}

/** Waits until the Choreo view has its data provider (the extension is active). */
export async function openChoreoView(page: Page): Promise<void> {
  await page.locator('.part.activitybar').getByRole('tab', { name: 'Choreo' }).click();
  await page.locator('.part.sidebar').getByText('There is no data provider registered').waitFor({ state: 'hidden', timeout: 60_000 });
}

/** Choreo: Create Organization, answered in its input box; waits for the organization's row in the tree. */
export async function createOrganization(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Choreo: Create Organization');
  const input = page.locator('.quick-input-widget input');
  await page.waitForTimeout(500);
  await input.fill(name);
  await page.keyboard.press('Enter');
  await page.locator('.part.sidebar').getByText(name).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** A button of the Choreo view's title bar (Create External Consumer, Refresh, …). */
export function viewTitleButton(page: Page, name: string): Locator {
  return page.locator('.part.sidebar .title-actions, .part.sidebar .pane-header .actions').getByRole('button', { name }).first();
}

/** The view's Create External Consumer, its form answered with a display name, Create: waits for the new Overview. */
export async function createExternalConsumer(page: Page, displayName: string): Promise<void> {
  await viewTitleButton(page, 'Create External Consumer').click();
  const f = form(page);
  await f.getByRole('heading', { name: 'Create an External Consumer' }).waitFor({ timeout: 30_000 });
  await f.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  await f.locator('#displayName').click();
  await page.keyboard.type(displayName);
  await f.getByText('Create', { exact: true }).click();
  await form(page).getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });
}

/**
 * From a consumer's Overview, Create Connection, and the service found by typing `search` in its field (as the field
 * says, once there are several), with its endpoint `endpoint`. Leaves the form to be checked and created.
 */
export async function chooseServiceToConnect(page: Page, service: string, search: string, endpoint: string): Promise<FrameLocator> {
  await form(page).locator('#create-connection').click({ timeout: 30_000 });
  const f = form(page);
  await f.getByRole('heading', { name: 'Create Connection' }).waitFor({ timeout: 30_000 });
  await f.locator('#service vscode-option', { hasText: service }).waitFor({ state: 'attached', timeout: 30_000 });
  await f.locator('#service').click();
  await page.keyboard.type(search);
  await page.keyboard.press('ArrowDown'); // the first service found
  await page.keyboard.press('Enter');
  await f.locator('#endpointName vscode-option', { hasText: endpoint }).waitFor({ state: 'attached', timeout: 30_000 });
  return f;
}

/** The rows of the Choreo view whose label is exactly `label` (the deepest last). */
export function treeRows(page: Page, label: string) {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

/** Clicks the row of the Choreo view labelled `label` (the `nth` of several), which expands a collapsed one. */
export async function clickTreeRow(page: Page, label: string, nth = 0): Promise<void> {
  const row = treeRows(page, label).nth(nth);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/** Expands the row labelled `label` if it is collapsed. */
export async function expandTreeRow(page: Page, label: string, nth = 0): Promise<void> {
  const row = treeRows(page, label).nth(nth);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

/** Right-clicks the row labelled `label` and runs `item` of its context menu. */
export async function treeContextMenu(page: Page, label: string, item: string, nth = 0): Promise<void> {
  const row = treeRows(page, label).nth(nth);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible' });
  // Hovered, the item is the menu's focused one; Enter runs it (a click just after the menu opens can go unheard).
  await menu
    .locator('.action-item', { hasText: new RegExp(`^${escapeRegExp(item)}`) })
    .first()
    .hover();
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
}

/** The VS Code modal dialog: its text, then a click on `button`. */
export async function answerDialog(page: Page, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const text = (await dialog.textContent()) ?? '';
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  return text;
}

/**
 * Puts `file` (an absolute path) into VS Code's simple file dialog (Save As, Open) once it shows. The dialog fills in a
 * path of its own (folder, then a name with its extension selected) a moment after it opens, and completes what is
 * typed: wait for its path, then replace it all, until it holds exactly ours. Under load the dialog's own path can land
 * after ours, so ours must hold on two reads half a second apart.
 */
export async function fillFileDialog(page: Page, file: string, dialog: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  for (let i = 0; i < 50 && !(await input.inputValue()); i++) await page.waitForTimeout(100);
  let held = 0;
  for (let i = 0; i < 40 && held < 2; i++) {
    if ((await input.inputValue()) === file) held++;
    else {
      held = 0;
      await input.fill(file);
    }
    await page.waitForTimeout(500);
  }
  if ((await input.inputValue()) !== file) throw new Error(`the ${dialog} dialog holds ${await input.inputValue()}, not ${file}`);
}

/** Saves the active untitled editor at `file` (an absolute path) through the Save As dialog. */
export async function saveAs(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+S');
  await fillFileDialog(page, file, 'Save As');
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: file.split('/').pop()! }).waitFor({ timeout: 30_000 });
}

/** What the clipboard holds (the test granted the page clipboard access). */
export function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Empties the clipboard, runs `copy`, and waits until something lands there (the extension writes it a moment later). */
export async function copied(page: Page, copy: () => Promise<void>): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await copy();
  for (let i = 0; i < 100; i++) {
    const text = await clipboard(page);
    if (text) return text;
    await page.waitForTimeout(100);
  }
  throw new Error('nothing was copied to the clipboard');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Which of `needles` the workbench page's memory holds, after a garbage collection. VS Code in the browser (code-server)
 * keeps SecretStorage in memory in the workbench when no encryption is available, so its entries (keys
 * `secret://{…"key":"choreo.secret/…"}` and their values) are found in a heap snapshot, and a deleted one is not.
 */
export async function heapHolds(page: Page, needles: readonly string[]): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => void chunks.push(e.chunk));
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snapshot = chunks.join('');
    return needles.filter((n) => snapshot.includes(n));
  } finally {
    await cdp.detach();
  }
}

/** Replaces what a text field holds, as a person does: select it all (triple click), delete, type. */
export async function retype(page: Page, field: Locator, text: string): Promise<void> {
  await field.click({ clickCount: 3 });
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
}
