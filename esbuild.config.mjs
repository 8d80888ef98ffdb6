// Three bundles (see README "Layout"): the extension, the webview forms, and the control plane CLI.
// `--release` minifies; `--watch` rebuilds on change for development.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';

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
    // Connection snippet templates (src/snippets/templates/*.tmpl) are data files, bundled as strings.
    loader: { '.tmpl': 'text' },
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
// The webview forms: one ESM entry per form (src/webviews/<form>/ is its extension side), the shared code split into
// chunks, @vscode-elements/elements copied as one module, and the forms' stylesheet. All land in dist/webview, the only
// folder a webview may load from.
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: path.resolve('webview-ui/lib/zodLocalesEnglishOnly.mjs') } : undefined,
    );
  },
};
const forms = ['createExternalConsumer', 'overview', 'configureAuthentication', 'createConnection'];
bundles.push({
  ...common,
  entryPoints: {
    ...Object.fromEntries(forms.map((f) => [f, `webview-ui/forms/${f}.ts`])),
    elements: 'node_modules/@vscode-elements/elements/dist/bundled.js',
    forms: 'webview-ui/forms.css',
  },
  outdir: 'dist/webview',
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [englishOnlyZodLocales],
  metafile: true,
});

if (watch) {
  const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
}
