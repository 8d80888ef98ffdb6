// `npm run test:electron`: the same integration suite under the usual desktop runner, @vscode/test-electron, for
// contributors whose machines can download VS Code. Our CI machines cannot (only the npm registry and Debian's
// packages are reachable), so there it stops with a clear message; `npm run test:integration` is the runner there.
import { runTests } from '@vscode/test-electron';
import { buildExtension, buildSuite } from './buildTests';
import { repoRoot } from './codeServer';
import { cleanupAll, tempDir } from './processes';
import { freshWorkspace } from './runSuite';

const VSCODE_VERSION = process.env.CHOREO_VSCODE_VERSION ?? '1.100.3';

async function main(): Promise<number> {
  await buildExtension();
  const index = await buildSuite('test/integration', 'out/test/integration');
  const workspace = await freshWorkspace();
  const userDataDir = await tempDir('electron-user-data');
  const extensionsDir = await tempDir('electron-extensions');
  try {
    // runTests resolves with VS Code's exit code; it rejects when VS Code could not be downloaded or started.
    const exitCode = await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: index,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: { CHOREO_TEST_HARNESS: 'electron' },
    });
    return exitCode;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|fetch|socket|network/i.test(reason)) {
      console.error(
        `test:electron: could not download VS Code ${VSCODE_VERSION} (${reason}).\n` +
          'This runner needs the internet to fetch a desktop VS Code. On machines without it, run the same suite with\n' +
          '`npm run test:integration` (VS Code 1.100.3 in code-server, installed from the npm registry).',
      );
    } else {
      console.error(`test:electron: ${reason}`);
    }
    return 1;
  }
}

// Dropped on purpose: the chain ends the process itself; only a failing cleanup could reject it, and Node then exits
// non-zero with that error, which is the right end too.
void main()
  .catch((err: unknown) => {
    console.error(`test:electron: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
