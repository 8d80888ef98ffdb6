// Size of each bundle of a release build (minified, what `npm run package` ships): bytes and gzip -9 bytes.
// Builds into dist/ (cleaned first so no stale chunk is counted), then rebuilds the development bundles.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(repoRoot, 'dist');
const build = (...args) => execFileSync(process.execPath, ['esbuild.config.mjs', ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });

rmSync(dist, { recursive: true, force: true });
build('--release');
const files = readdirSync(dist, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(js|css)$/.test(f) && statSync(path.join(dist, f)).isFile())
  .sort();
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
let webview = { bytes: 0, gzip: 0 };
// The extension's parts (see esbuild.config.mjs): every dist/*.js but the control plane's. Only extension.js loads at
// activation; the others load on first use.
let extension = { bytes: 0, gzip: 0 };
console.log(`  ${'bundle'.padEnd(44)} ${'bytes'.padStart(10)} ${'gzip'.padStart(10)}`);
for (const f of files) {
  const content = readFileSync(path.join(dist, f));
  const bytes = content.length;
  const gzip = gzipSync(content, { level: 9 }).length;
  if (f.startsWith(`webview${path.sep}`)) webview = { bytes: webview.bytes + bytes, gzip: webview.gzip + gzip };
  else if (f.endsWith('.js') && !f.includes(path.sep) && f !== 'controlPlane.js') extension = { bytes: extension.bytes + bytes, gzip: extension.gzip + gzip };
  console.log(`  ${`dist/${f}`.padEnd(44)} ${String(bytes).padStart(10)} ${String(gzip).padStart(10)}   (${kb(bytes)}, gzip ${kb(gzip)})`);
}
if (extension.bytes > 0)
  console.log(
    `  ${'dist/*.js but controlPlane.js (the extension)'.padEnd(44)} ${String(extension.bytes).padStart(10)} ${String(extension.gzip).padStart(10)}   (extension.js alone loads at activation)`,
  );
if (webview.bytes > 0) console.log(`  ${'dist/webview/** (all forms)'.padEnd(44)} ${String(webview.bytes).padStart(10)} ${String(webview.gzip).padStart(10)}`);
rmSync(dist, { recursive: true, force: true });
build();
