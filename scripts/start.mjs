#!/usr/bin/env node
// `npm start`: builds the extension, installs the test VS Code once (code-server 4.100.3 = VS Code 1.100.3), starts
// it on 127.0.0.1 with the extension loaded from this checkout (extensionDevelopmentPath) and sample-workspace/
// open, prints the URL, and stays in the foreground until Ctrl+C, then stops everything it started. The extension
// starts the local control plane itself. Port: CHOREO_VSCODE_PORT, else 8080, else a free one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
import { setupVsCode } from './setup-vscode.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

ensureSystemDeps('start');
console.log('[start] building the extension');
execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
setupVsCode();

// The server helpers are the test harness's own (TypeScript, CommonJS), so load them through tsx.
registerCjs();
registerEsm();
// A CommonJS module imported from ESM arrives as `default`.
const cjs = async (specifier) => {
  const mod = await import(specifier);
  return mod.default ?? mod;
};
const { quietSettings, startCodeServer } = await cjs('../test/harness/codeServer.ts');
const { cleanupAll } = await cjs('../test/harness/processes.ts');

const wanted = Number(process.env.CHOREO_VSCODE_PORT ?? 8080);
const workspace = path.join(repoRoot, 'sample-workspace');
// Kept between runs (git-ignored) so settings and what the extension stored survive a restart.
const state = path.join(repoRoot, '.vscode-test', 'start');
const userDataDir = path.join(state, 'user-data');
let server;
try {
  server = await startCodeServer({
    workspace,
    port: wanted,
    userDataDir,
    // Only on the first run: after that the settings are the developer's own.
    settings: existsSync(path.join(userDataDir, 'User', 'settings.json')) ? undefined : quietSettings,
    extensionsDir: path.join(state, 'extensions'),
    verbose: process.env.CHOREO_VERBOSE === '1',
  });
} catch (err) {
  console.error(`[start] could not start VS Code: ${err instanceof Error ? err.message : err}`);
  await cleanupAll();
  process.exit(1);
}
if (server.port !== wanted) console.log(`[start] port ${wanted} is busy, using ${server.port}`);
const url = server.workbenchUrl([['extensionDevelopmentPath', server.remoteUri(repoRoot)]]);
console.log(`
VS Code ${'1.100.3'} with the Choreo extension is running. Open:

  ${url}

(Choreo is the icon in the activity bar. Ctrl+C stops VS Code and everything it started.)
`);
// Stay in the foreground; the harness stops the server (and its process group) on Ctrl+C.
await new Promise(() => {});
