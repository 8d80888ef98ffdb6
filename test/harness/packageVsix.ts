// The packaged extension, as a person gets it: `npm run package` (release build, vsce with the details page), and a
// "newer" build of it for the upgrade test, made without touching package.json: the bundles built with
// CHOREO_BUILD_VERSION, packaged by vsce from a staging folder whose package.json carries that version.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './codeServer';
import { tempDir } from './processes';

const VSCE = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
/** What the package is made of (what .vscodeignore lets through, from these). */
// What build B's staging folder needs for vsce: .vscodeignore there picks what ships, as in `npm run package` (with the
// manifest's English strings: package.nls.json and l10n/, or B's view shows %keys%).
const SHIPPED = ['dist', 'media', 'schemas', 'package.nls.json', 'l10n', 'MARKETPLACE.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore'];

/** `npm run package`, the vsix copied out of dist/ (a later build empties dist/). */
export async function packageRelease(): Promise<string> {
  execFileSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = path.join(await tempDir('vsix'), 'choreo-external-consumers.vsix');
  copyFileSync(path.join(repoRoot, 'dist', 'choreo-external-consumers.vsix'), out);
  return out;
}

/** The same package, as if released as `version`. Leaves dist/ holding that build: package the release after it. */
export async function packageAs(version: string): Promise<string> {
  execFileSync('npm', ['run', 'clean'], { cwd: repoRoot, stdio: 'ignore' });
  execFileSync(process.execPath, ['esbuild.config.mjs', '--release'], {
    cwd: repoRoot,
    env: { ...process.env, CHOREO_BUILD_VERSION: version },
    stdio: 'ignore',
  });
  execFileSync(process.execPath, ['scripts/details-page.mjs'], { cwd: repoRoot, stdio: 'ignore' });
  const stage = await tempDir('vsix-stage');
  for (const item of SHIPPED) cpSync(path.join(repoRoot, item), path.join(stage, item), { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2));
  const out = path.join(await tempDir('vsix'), `choreo-external-consumers-${version}.vsix`);
  // The same flags as the package script, read from it (one declaration).
  const flags = (manifest.scripts as Record<string, string>).package!.split('vsce package ')[1]!.split(' --out ')[0]!.split(' ');
  execFileSync(VSCE, ['package', ...flags, '--out', out], { cwd: stage, stdio: ['ignore', 'pipe', 'pipe'] });
  return out;
}

/** The files in a vsix (paths inside the zip). */
export function vsixFiles(vsix: string): string[] {
  return execFileSync('zipinfo', ['-1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** One file of a vsix, as text. */
export function vsixText(vsix: string, file: string): string {
  return execFileSync('unzip', ['-p', vsix, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
