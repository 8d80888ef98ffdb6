// What a person does in the test VS Code, as small steps shared by the e2e tests and the forms bench: run a command
// from the palette, answer an input box, pick from a quick pick, reach the form in the visible webview panel.
import type { FrameLocator, Page } from 'playwright-core';

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
