// `npm run test:integration`: builds the extension and the suite in test/integration/, runs it inside VS Code 1.100.3
// (code-server, driven by headless chromium), prints mocha's results, exits non-zero on a failure or a time-out.
// `npm run test:integration -- --team`: the same against a team control plane reached by URL, three replicas on a
// test PostgreSQL behind nginx (test/controlPlane/helpers/nginx.ts, the repository's nginx config as it is); it runs
// the suites of TEAM_SUITES, those that do not need the local control plane, which cover the seed's whole flow.
// Environment: CHOREO_TEST_GREP (mocha grep), CHOREO_INTEGRATION_TIMEOUT_MS (whole run, default 300000),
// CHOREO_VERBOSE=1 (server and extension host output), CHOREO_KEEP_TEMP=1 (keep user-data and logs).
import { binary } from '../controlPlane/helpers/postgres';
import { startTeamBehindNginx } from '../controlPlane/helpers/nginx';
import { buildExtension, buildSuite } from './buildTests';
import { ensureCodeServer } from './codeServer';
import { cleanupAll, onCleanup } from './processes';
import { printResults, runSuiteInCodeServer } from './runSuite';

/** The suites of the team run (their describe titles, start to end), as a mocha grep. */
const TEAM_SUITES = ["No secret leaks after the seed's flow"];

/** In a team run, the team control plane and what the suite needs to reach it (test/integration/support.ts, `team`). */
async function teamEnvironment(): Promise<Record<string, string>> {
  // --sample-service: the flow adds the sample service, as the Create Connection form offers it.
  // Plain HTTP on loopback: VS Code's extension host trusts no throwaway certificate (NODE_EXTRA_CA_CERTS reaches
  // it after its runtime read the certificates). TLS through nginx is tested in test/controlPlane/team/nginx.test.ts.
  const behind = await startTeamBehindNginx(3, ['--sample-service'], { tls: false });
  onCleanup(() => behind.stop());
  console.log(`integration: team control plane at ${behind.url} (3 replicas on PostgreSQL behind nginx)`);
  return {
    CHOREO_TEST_TEAM_URL: behind.url,
    CHOREO_TEST_TEAM_TOKEN: behind.team.token,
    CHOREO_TEST_TEAM_DATABASE_URL: behind.team.databaseUrl,
    CHOREO_TEST_TEAM_PG_DUMP: binary('pg_dump'),
    CHOREO_TEST_GREP: process.env.CHOREO_TEST_GREP ?? TEAM_SUITES.map((title) => `^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `).join('|'),
  };
}

async function main(): Promise<number> {
  const teamRun = process.argv.includes('--team');
  ensureCodeServer();
  await buildExtension();
  const index = await buildSuite('test/integration', 'out/test/integration');
  const { results } = await runSuiteInCodeServer({
    index,
    timeoutMs: Number(process.env.CHOREO_INTEGRATION_TIMEOUT_MS ?? 300_000),
    verbose: process.env.CHOREO_VERBOSE === '1',
    env: teamRun ? await teamEnvironment() : undefined,
  });
  printResults(results);
  if (results.passed + results.failed === 0) {
    console.error('integration: no test ran');
    return 1;
  }
  return results.failed > 0 ? 1 : 0;
}

// Dropped on purpose: the chain ends the process itself; only a failing cleanup could reject it, and Node then exits
// non-zero with that error, which is the right end too.
void main()
  .catch((err: unknown) => {
    console.error(`integration: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
