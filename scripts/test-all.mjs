#!/usr/bin/env node
// `npm test`: typecheck, lint (ESLint), the format check (Prettier) and build, then the three test layers in turn (unit
// in plain Node, integration inside VS Code 1.100.3, once against the local control plane and once against a team one:
// three replicas on PostgreSQL behind nginx, reached by URL; e2e driven in chromium). Every layer prints mocha's
// epilogue ("N passing", "N failing", "N pending"), which is read here; a layer that ends non-zero without counting a
// failure (a crash, a time-out) counts as one failure. Ends with exactly one line `N passed, N failed` (`, N skipped`
// when some were) and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './system-deps.mjs';

// Node's version and the Debian packages every layer needs, installed when missing (or exit 2 with the command).
ensureSystemDeps('test');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command with its output streamed through, and returns the exit code and what it printed. */
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(npm, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const relay = (stream) => (chunk) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    // Ctrl+C reaches the child through the terminal's process group; just wait for it to finish its own cleanup.
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

function lastCount(output, word) {
  const matches = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
  return matches.length > 0 ? Number(matches[matches.length - 1][1]) : 0;
}

const steps = [
  { name: 'typecheck', args: ['run', '--silent', 'typecheck'], counted: false },
  { name: 'lint', args: ['run', '--silent', 'lint'], counted: false },
  { name: 'format', args: ['run', '--silent', 'format:check'], counted: false },
  { name: 'build', args: ['run', '--silent', 'build'], counted: false },
  { name: 'unit', args: ['run', '--silent', 'test:unit'], counted: true },
  { name: 'integration', args: ['run', '--silent', 'test:integration'], counted: true, needsBuild: true },
  { name: 'integration (team)', args: ['run', '--silent', 'test:integration:team'], counted: true, needsBuild: true },
  { name: 'e2e', args: ['run', '--silent', 'test:e2e'], counted: true, needsBuild: true },
];

const rows = [];
let buildFailed = false;
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  if (step.needsBuild && buildFailed) {
    rows.push({ name: step.name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'not run: the build failed' });
    continue;
  }
  const { code, output } = await run(step.args);
  const seconds = (Date.now() - started) / 1000;
  if (!step.counted) {
    // A step without tests counts as one check: passed when it exits 0.
    if (code !== 0 && step.name === 'build') buildFailed = true;
    rows.push({ name: step.name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, seconds, note: code === 0 ? '' : `exit code ${code}` });
    continue;
  }
  const passed = lastCount(output, 'passing');
  let failed = lastCount(output, 'failing');
  const skipped = lastCount(output, 'pending');
  let note = '';
  if (code !== 0 && failed === 0) {
    failed = 1;
    note = `exit code ${code} with no failing test counted (crash or time-out: see the output above)`;
  } else if (code === 0 && passed + failed + skipped === 0) {
    note = 'ran no test';
  }
  rows.push({ name: step.name, passed, failed, skipped, seconds, note });
}

const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log('\n=== summary ===');
for (const r of rows) {
  const counts = `${r.passed} ok, ${r.failed} not ok${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  console.log(`  ${r.name.padEnd(18)} ${counts.padEnd(28)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
}
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
