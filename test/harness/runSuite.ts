// Runs a bundled mocha suite inside the extension host of a fresh code-server, opened by headless chromium with a
// payload naming the extension under development and the suite's index. The index writes its results to a file
// (CHOREO_TEST_RESULTS) that we poll; nothing else tells us that the run ended, since the host keeps running.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SuiteResults } from '../integration/index';
import { launchBrowser } from './browser';
import { quietSettings, repoRoot, startCodeServer } from './codeServer';
import { freePort, tempDir } from './processes';

export type { SuiteResults };

export interface RunSuiteOptions {
  /** Absolute path of the bundled index.js. */
  index: string;
  timeoutMs: number;
  verbose?: boolean;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** Files the workspace holds before the window opens (path relative to it → text). */
  files?: Record<string, string>;
}

export interface SuiteRun {
  results: SuiteResults;
  /** What the extension host printed to its console (console.log of the tests and of the extension). */
  hostConsole: string[];
}

/** A fresh workspace for one run: a copy of sample-workspace/, so tests may write files without dirtying the repo. */
export async function freshWorkspace(): Promise<string> {
  const workspace = await tempDir('workspace');
  const sample = path.join(repoRoot, 'sample-workspace');
  if (existsSync(sample)) cpSync(sample, workspace, { recursive: true });
  return workspace;
}

export async function runSuiteInCodeServer(options: RunSuiteOptions): Promise<SuiteRun> {
  const scratch = await tempDir('results');
  const resultsFile = path.join(scratch, 'results.json');
  const workspace = await freshWorkspace();
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), text);
  }
  const controlPlanePort = await freePort();
  const server = await startCodeServer({
    workspace,
    verbose: options.verbose,
    // Never the developer's own control plane on 7480: the local one the extension starts gets a free port.
    settings: { 'choreo.controlPlane.localPort': controlPlanePort, ...quietSettings },
    env: {
      CHOREO_TEST_RESULTS: resultsFile,
      CHOREO_TEST_HARNESS: 'code-server',
      CHOREO_TEST_CONTROL_PLANE_PORT: String(controlPlanePort),
      CHOREO_TEST_SCRATCH: scratch,
      ...options.env,
    },
  });
  const hostConsole: string[] = [];
  try {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    page.on('console', (message) => {
      const text = message.text();
      // The extension host's console reaches the page prefixed with "[Extension Host]" (and a %c style).
      if (!text.includes('[Extension Host]')) return;
      const line = text
        .replace(/%c\[Extension Host\]\s*%c?/, '')
        .replace(/\s*color: [^ ]+\s*/g, ' ')
        .trim();
      hostConsole.push(line);
      if (options.verbose) console.log(`[extension host] ${line}`);
    });
    await page.goto(
      server.workbenchUrl([
        ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
        ['extensionTestsPath', server.remoteUri(options.index)],
      ]),
    );
    const deadline = Date.now() + options.timeoutMs;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        throw new Error(
          `the suite did not report within ${Math.round(options.timeoutMs / 1000)} s.\n` +
            `Extension host console:\n${hostConsole.slice(-40).join('\n') || '(nothing)'}\n` +
            `Extension host log:\n${extensionHostLogTail(server.userDataDir)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults, hostConsole };
  } finally {
    await server.stop();
  }
}

function extensionHostLogTail(userDataDir: string): string {
  const logs = path.join(userDataDir, 'logs');
  if (!existsSync(logs)) return '(no logs)';
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => /exthost\.log$/.test(f));
  return files.map((f) => `--- ${f}\n${readFileSync(path.join(logs, f), 'utf8').split('\n').slice(-30).join('\n')}`).join('\n') || '(no extension host log)';
}

/** Prints results the way mocha's spec reporter ends, so `npm test` reads every layer alike. */
export function printResults(results: SuiteResults): void {
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✔' : t.state === 'failed' ? '✖' : '-';
    const time = t.durationMs !== undefined ? ` (${t.durationMs} ms)` : '';
    console.log(`  ${mark} ${t.title}${time}`);
  }
  console.log('');
  console.log(`  ${results.passed} passing (${results.durationMs} ms)`);
  if (results.skipped > 0) console.log(`  ${results.skipped} pending`);
  if (results.failed > 0) {
    console.log(`  ${results.failed} failing`);
    console.log('');
    results.tests
      .filter((t) => t.state === 'failed')
      .forEach((t, i) => console.log(`  ${i + 1}) ${t.title}\n     ${(t.error ?? '').split('\n').join('\n     ')}\n`));
  }
}
