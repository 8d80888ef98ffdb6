// `npm run test:integration`: builds the extension and the suite in test/integration/, runs it inside VS Code 1.100.3
// (code-server, driven by headless chromium), prints mocha's results, exits non-zero on a failure or a time-out.
// Environment: CHOREO_TEST_GREP (mocha grep), CHOREO_INTEGRATION_TIMEOUT_MS (whole run, default 300000),
// CHOREO_VERBOSE=1 (server and extension host output), CHOREO_KEEP_TEMP=1 (keep user-data and logs).
import { buildExtension, buildSuite } from './buildTests';
import { ensureCodeServer } from './codeServer';
import { cleanupAll } from './processes';
import { printResults, runSuiteInCodeServer } from './runSuite';

async function main(): Promise<number> {
  ensureCodeServer();
  await buildExtension();
  const index = await buildSuite('test/integration', 'out/test/integration');
  const { results } = await runSuiteInCodeServer({
    index,
    timeoutMs: Number(process.env.CHOREO_INTEGRATION_TIMEOUT_MS ?? 300_000),
    verbose: process.env.CHOREO_VERBOSE === '1',
  });
  printResults(results);
  if (results.passed + results.failed === 0) {
    console.error('integration: no test ran');
    return 1;
  }
  return results.failed > 0 ? 1 : 0;
}

main()
  .catch((err: unknown) => {
    console.error(`integration: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
