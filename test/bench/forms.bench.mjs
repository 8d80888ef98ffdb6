// The webview forms: (1) the size of what each form loads (its bundle, the chunks it imports, @vscode-elements and
// the stylesheet), raw and gzipped, from a release build of dist/webview; (2) the time from the command to the form
// being interactive in the test VS Code (forms/interactive.mjs), median of CHOREO_BENCH_RUNS (default 7) opens after a
// first one. Goal: under 300 ms median. Run: npm run bench -- forms (run.mjs loads tsx for the harness).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = path.join(root, 'dist', 'webview');
execFileSync(process.execPath, ['esbuild.config.mjs', '--release'], { cwd: root, stdio: 'ignore' });

/** The file and every chunk it imports, transitively. */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(path.join(dir, file), 'utf8');
  for (const m of text.matchAll(/from\s*"\.\/([^"]+)"|import\s*"\.\/([^"]+)"/g)) {
    closure(path.posix.join(path.posix.dirname(file), m[1] ?? m[2]), seen);
  }
  return seen;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [];
for (const form of ['createExternalConsumer', 'createService', 'overview', 'configureAuthentication', 'createConnection']) {
  const files = [...closure(`${form}.js`), 'elements.js', 'forms.css'];
  const own = readFileSync(path.join(dir, `${form}.js`));
  const all = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f))));
  rows.push({ form, own: kb(own.length), 'own gz': kb(gzipSync(own).length), 'page total': kb(all.length), 'page total gz': kb(gzipSync(all).length) });
}
console.table(rows);

const RUNS = Number(process.env.CHOREO_BENCH_RUNS ?? 7);
const GOAL_MS = 300;
const { measureFormsInteractive } = await import('./forms/interactive.mjs');
const processesModule = await import('../harness/processes.ts');
const processes = processesModule.default ?? processesModule;
let exitCode = 0;
try {
  const timings = await measureFormsInteractive(RUNS);
  console.log(`\nCommand → form interactive (VS Code 1.100.3 in code-server, headless chromium; ${RUNS} opens after a first):`);
  console.table(timings);
  const over = timings.filter((t) => t['median ms'] > GOAL_MS && !t.form.startsWith('Markdown'));
  console.log(
    over.length
      ? `Over the ${GOAL_MS} ms goal, command to interactive: ${over.map((t) => t.form).join(', ')}`
      : `Every form under the ${GOAL_MS} ms goal at the median.`,
  );
  const oursOver = timings.filter((t) => (t['ours: document → interactive (median)'] ?? 0) > GOAL_MS);
  console.log(
    oursOver.length
      ? `Our part alone over ${GOAL_MS} ms: ${oursOver.map((t) => t.form).join(', ')}`
      : `Our part (document → interactive) is under ${GOAL_MS} ms for every form.`,
  );
} catch (err) {
  console.error(`forms bench failed: ${err instanceof Error ? err.stack : err}`);
  exitCode = 1;
} finally {
  await processes.cleanupAll();
}
process.exit(exitCode);
