// Size of what each webview form loads (its bundle, the chunks it imports, @vscode-elements and the stylesheet), raw
// and gzipped, from a release build of dist/webview. Run: node test/bench/forms.bench.mjs
// (Time from command to form interactive needs the test VS Code; not measured here yet.)
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
for (const form of ['createExternalConsumer', 'overview', 'configureAuthentication', 'createConnection']) {
  const files = [...closure(`${form}.js`), 'elements.js', 'forms.css'];
  const own = readFileSync(path.join(dir, `${form}.js`));
  const all = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f))));
  rows.push({ form, own: kb(own.length), 'own gz': kb(gzipSync(own).length), 'page total': kb(all.length), 'page total gz': kb(gzipSync(all).length) });
}
console.table(rows);
