// Bundles a mocha suite that runs inside VS Code: the shared index (test/integration/index.ts) plus every
// `*.test.ts` under `testDir`, one output file each, into `outDir`. `vscode` is provided by the extension host and
// the npm packages (mocha, ...) resolve from the repo's node_modules at run time, so only our own code is bundled.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from './codeServer';

export async function buildSuite(testDir: string, outDir: string): Promise<string> {
  const absTestDir = path.resolve(repoRoot, testDir);
  const absOutDir = path.resolve(repoRoot, outDir);
  const entryPoints: Record<string, string> = { index: path.join(repoRoot, 'test', 'integration', 'index.ts') };
  for (const file of readdirSync(absTestDir, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.test.ts')) entryPoints[file.slice(0, -'.ts'.length)] = path.join(absTestDir, file);
  }
  // A test file deleted from the source must not keep running from a stale bundle.
  rmSync(absOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: absOutDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    packages: 'external',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return path.join(absOutDir, 'index.js');
}

/** Builds the extension's bundles the way `npm run build` does. */
export async function buildExtension(): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}
