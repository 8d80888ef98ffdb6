// Builds another revision's control plane bundle (main's, by default) for a bench to run beside this tree's: the
// revision's src/ from `git archive`, bundled as the tests bundle this tree (its node_modules resolve its imports).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

export async function baselineBundle(revision = process.env.BENCH_BASELINE_REVISION ?? 'main') {
  if (process.env.BENCH_BASELINE_BUNDLE) return process.env.BENCH_BASELINE_BUNDLE;
  const repo = resolve(new URL('../../..', import.meta.url).pathname);
  const dir = mkdtempSync(join(tmpdir(), 'baseline-src-'));
  execFileSync('sh', ['-c', `git -C "${repo}" archive "${revision}" src package.json | tar -x -C "${dir}"`]);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  const outfile = join(dir, 'controlPlane.js');
  await esbuild.build({
    entryPoints: [join(dir, 'src/controlPlane/cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    external: ['pg-native'],
  });
  return outfile;
}

/** CPU time (user + system) of a process so far, in ms (Linux /proc). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // clock ticks of 1/100 s
}
