// Entry point that VS Code loads as `extensionTestsPath`: runs every bundled `*.test.js` beside it with mocha inside
// the real extension host. Same contract for both runners: `run()` rejects when a test failed (what
// @vscode/test-electron needs to exit non-zero), and, because code-server never ends the extension host by itself,
// the results also go to the file named by CHOREO_TEST_RESULTS, which the driver watches.
import { readdirSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  tests: TestResult[];
}

function writeResults(results: SuiteResults): void {
  const file = process.env.CHOREO_TEST_RESULTS;
  if (!file) return;
  // Write then rename so the driver never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function run(): Promise<void> {
  const started = Date.now();
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.CHOREO_TEST_TIMEOUT_MS ?? 20_000),
    grep: process.env.CHOREO_TEST_GREP,
    reporter: 'spec',
  });
  const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, durationMs: 0, tests: [] };
  return new Promise<void>((resolve, reject) => {
    try {
      for (const file of testFiles(__dirname)) mocha.addFile(file);
      const runner = mocha.run((failures) => {
        results.durationMs = Date.now() - started;
        writeResults(results);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
      runner.on('pass', (test) => {
        results.passed++;
        results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      runner.on('fail', (test, err: Error) => {
        results.failed++;
        results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: err.stack ?? String(err) });
      });
      runner.on('pending', (test) => {
        results.skipped++;
        results.tests.push({ title: test.fullTitle(), state: 'pending' });
      });
    } catch (err) {
      // A test file that throws while loading is a failure, not a silent empty run.
      results.failed++;
      results.tests.push({ title: 'loading the test files', state: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      results.durationMs = Date.now() - started;
      writeResults(results);
      reject(err);
    }
  });
}
