// Three bundles (see README "Layout"): the extension, the webview forms, and the control plane CLI.
// `--release` minifies; `--watch` rebuilds on change for development.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const release = process.argv.includes('--release');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: true,
  minify: release,
  logLevel: 'info',
  legalComments: 'none',
};

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    metafile: true,
  },
  {
    ...common,
    entryPoints: { controlPlane: 'src/controlPlane/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    metafile: true,
  },
];
if (existsSync('webview-ui/main.ts')) {
  bundles.push({
    ...common,
    entryPoints: { main: 'webview-ui/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    metafile: true,
  });
}

if (watch) {
  const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
}
