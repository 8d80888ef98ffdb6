// Time from a command to its form being interactive, in the test VS Code (code-server 4.100.3 = VS Code 1.100.3)
// driven by headless chromium through the e2e harness, as a person meets it. For each form, RUNS times: close every
// editor, then start the clock at the person's last key press or click (Enter on the command, or on the component
// picked; a click on a form's button) and stop it at the form's `choreo.interactive` performance mark (set by
// markReady() in webview-ui/lib/dom.ts once its data is drawn), read on the same wall clock inside the webview.
// The first open of each form in the window is reported apart (cold: the webview's scripts load for the first time).
// Used by ../forms.bench.mjs; run through test/bench/run.mjs (it loads tsx for the TypeScript harness).
const cjs = async (specifier) => {
  const mod = await import(specifier);
  return mod.default ?? mod;
};

const { openWorkbench } = await cjs('../../harness/workbench.ts');
const { buildExtension } = await cjs('../../harness/buildTests.ts');
const { ensureCodeServer } = await cjs('../../harness/codeServer.ts');
const { createOrganization, form, openChoreoView, runCommand } = await cjs('../../e2e/steps.ts');

/** Wall-clock time (ms since the epoch) of the choreo.interactive mark of the visible form showing `heading`. */
async function interactiveAt(page, heading) {
  const f = form(page);
  await f.getByRole('heading', { name: heading }).waitFor({ timeout: 30_000 });
  const body = f.locator('body[data-ready="true"]');
  await body.waitFor({ timeout: 30_000 });
  return body.evaluate(() => {
    const mark = performance.getEntriesByName('choreo.interactive')[0];
    // The form's frame loads VS Code's placeholder document (through the webview's service worker) and has the form
    // written into it: the navigation's responseEnd is when VS Code's part ends and ours begins.
    const navigation = performance.getEntriesByType('navigation')[0];
    const documentAt = performance.timeOrigin + (navigation?.responseEnd ?? 0);
    return mark
      ? { at: performance.timeOrigin + mark.startTime, documentAt, workerStart: navigation?.workerStart ?? 0, fetchStart: navigation?.fetchStart ?? 0 }
      : undefined;
  });
}

async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page
    .locator('iframe.webview')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

async function openOverview(page) {
  await runCommand(page, 'Choreo: Open Overview');
  await pickFast(page, 'Component', 'Stark Mobile App');
}

/** Picks a quick pick row and returns the time of the final Enter. */
async function pickFast(page, title, label) {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('input').fill(label);
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible' });
  const started = Date.now();
  await page.keyboard.press('Enter');
  return started;
}

/** Each form: its heading, and how to open it, returning the moment the person's last action began. */
const FORMS = {
  'Create External Consumer (command palette)': [
    'Create an External Consumer',
    async (page) => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('>Choreo: Create External Consumer');
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
      const started = Date.now();
      await page.keyboard.press('Enter');
      return started;
    },
  ],
  'Overview (Open Overview, component picked)': [
    'Authentication Configurations',
    async (page) => {
      await runCommand(page, 'Choreo: Open Overview');
      return pickFast(page, 'Component', 'Stark Mobile App');
    },
  ],
  'Configure Development (button on the Overview)': [
    'Configure Development',
    async (page) => {
      await openOverview(page);
      await interactiveAt(page, 'Authentication Configurations');
      const button = form(page).locator('#configure-development');
      await button.waitFor();
      const started = Date.now();
      await button.click();
      return started;
    },
  ],
  'Create Connection (button on the Overview)': [
    'Create Connection',
    async (page) => {
      await openOverview(page);
      await interactiveAt(page, 'Authentication Configurations');
      const button = form(page).locator('#create-connection');
      await button.waitFor();
      const started = Date.now();
      await button.click();
      return started;
    },
  ],
};

/**
 * The same "until the document arrives" for VS Code's own Markdown preview, a webview no one here wrote: what any
 * extension's webview pays in this VS Code before its page can run.
 */
async function markdownPreviewUntilDocument(page) {
  await runCommand(page, 'Go to File');
  await page.locator('.quick-input-widget input').fill('README.md');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible' });
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Markdown: Open Preview');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  const started = Date.now();
  await page.keyboard.press('Enter');
  const body = form(page).locator('body');
  await body.locator('h1, p').first().waitFor({ timeout: 30_000 });
  const documentAt = await body.evaluate(() => performance.timeOrigin + (performance.getEntriesByType('navigation')[0]?.responseEnd ?? 0));
  return documentAt - started;
}

const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
};

/** Measures every form RUNS times in one fresh workbench; returns rows for console.table. */
export async function measureFormsInteractive(runs) {
  ensureCodeServer();
  await buildExtension();
  const workbench = await openWorkbench();
  try {
    const { page } = workbench;
    await openChoreoView(page);
    await createOrganization(page, 'Stark Industries');
    // The consumer every form is about, made in the form itself.
    await runCommand(page, 'Choreo: Create External Consumer');
    await form(page).locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.keyboard.type('Stark Mobile App');
    await form(page).getByText('Create', { exact: true }).click();
    await form(page).getByRole('heading', { name: 'Authentication Configurations' }).waitFor({ timeout: 30_000 });

    const rows = [];
    for (const [name, [heading, open]] of Object.entries(FORMS)) {
      const times = [];
      for (let i = 0; i <= runs; i++) {
        await closeAllEditors(page);
        const started = await open(page);
        const ready = await interactiveAt(page, heading);
        if (!ready) throw new Error(`${name}: the form left no choreo.interactive mark`);
        times.push({ total: ready.at - started, toDocument: ready.documentAt - started, ours: ready.at - ready.documentAt });
      }
      const [cold, ...warm] = times;
      const s = stats(warm.map((t) => t.total));
      rows.push({
        form: name,
        'median ms': Math.round(s.median),
        'min ms': Math.round(s.min),
        'max ms': Math.round(s.max),
        // Where the time goes: until the form's frame has its document (VS Code: the command, the panel, the webview's
        // frames and service worker), then to interactive (ours: scripts, the data round trip to the control plane,
        // drawing).
        'VS Code until document (median)': Math.round(stats(warm.map((t) => t.toDocument)).median),
        'ours: document → interactive (median)': Math.round(stats(warm.map((t) => t.ours)).median),
        'first open ms': Math.round(cold.total),
        runs: warm.length,
      });
    }
    const control = [];
    for (let i = 0; i <= runs; i++) {
      await closeAllEditors(page);
      control.push(await markdownPreviewUntilDocument(page));
    }
    const c = stats(control.slice(1));
    rows.push({
      form: "Markdown: Open Preview (VS Code's own webview, for comparison)",
      'VS Code until document (median)': Math.round(c.median),
      'first open ms': Math.round(control[0]),
      runs: control.length - 1,
    });
    return rows;
  } finally {
    await workbench.close();
  }
}
