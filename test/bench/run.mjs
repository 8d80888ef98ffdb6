#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.mjs in turn, each in its own Node process with tsx loaded (benches
// may use the TypeScript test harness), and exits non-zero when one failed. Pass names to run only some:
// `npm run bench -- bundle activation`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from '../../scripts/system-deps.mjs';

ensureSystemDeps('bench');

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..', '..');
const only = process.argv.slice(2);
const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.mjs$/, '')))
  .sort();
if (benches.length === 0) {
  console.error(`no bench matches ${only.join(', ')}`);
  process.exit(1);
}
const failed = [];
for (const bench of benches) {
  console.log(`\n=== ${bench.replace(/\.bench\.mjs$/, '')} ===`);
  const started = Date.now();
  const { status, signal } = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, bench)], { cwd: repoRoot, stdio: 'inherit' });
  if (status !== 0) failed.push(`${bench} (${status ?? signal})`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
if (failed.length > 0) {
  console.error(`\nbench failed: ${failed.join(', ')}`);
  process.exit(1);
}
