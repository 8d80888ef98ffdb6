// Three bundles (see README "Layout"): the extension (in parts, below), the webview forms, and the control plane CLI.
// `--release` minifies; `--watch` rebuilds on change for development; `--analyze` prints what makes up each part of
// the extension bundle.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, watch as watchFiles } from 'node:fs';
import path from 'node:path';

const release = process.argv.includes('--release');
const watch = process.argv.includes('--watch');
const analyze = process.argv.includes('--analyze');

// The version the extension and its control plane report (/healthz) and compare, from package.json. A test builds a
// "newer" one by setting CHOREO_BUILD_VERSION (the upgrade test), without touching package.json.
const version = process.env.CHOREO_BUILD_VERSION || JSON.parse(readFileSync('package.json', 'utf8')).version;

const common = {
  bundle: true,
  // A release ships no source maps (.vscodeignore), so its bundles name none: a sourceMappingURL line would dangle.
  sourcemap: !release,
  define: { __CHOREO_VERSION__: JSON.stringify(version) },
  minify: release,
  logLevel: 'info',
  legalComments: 'none',
};

// zod's `locales` index pulls in every language (~264 KB); our messages are English only, and zod itself imports `en`
// directly, so the index is replaced with one that exports `en` alone. Used by the extension and the webview forms.
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: path.resolve('webview-ui/lib/zodLocalesEnglishOnly.mjs') } : undefined,
    );
  },
};

// ---- The extension, in parts.
// VS Code parses the whole of `main` before it can call activate(), so what `main` holds is activation time
// (~15 ms per MB on these machines, before anything runs). esbuild cannot split CommonJS output into chunks, so the
// extension is built as several CommonJS bundles, each loaded on first use:
//   extension.js  at activation: activate(), the tree, the lifecycle (finding/starting the control plane), the status
//                 bar, the command registry and its error wrapper. No zod, no HTTP client.
//   client.js     the first view's data: the control-plane client, the API schemas, zod; the team sign-in (its authentication provider and device flow).
//   commands.js   every command's own file, the snippet library (templates, yaml), jose (Get Test Token), the
//                 resolver of the `choreo` launch attribute.
//   forms.js      the webview forms' extension side and their protocols.
//   editor.js     completion, hover and checks of CHOREO_* names, component.yaml references (a linked folder only).
// A module lives in exactly one part: the first, in this order, whose imports reach it. Another part that imports it
// gets that part's instance (via the owner's `__modules` table, `require('./<owner>.js')`), never a copy, so classes
// (instanceof ControlPlaneError, Cancelled, the tree's nodes) and module state (read-only documents) stay one. The
// owner's module runs on first use, as esbuild's own lazy import() would.
// The source does nothing special: a dynamic `import()` of a part's entry is a lazy load of that part. A static import
// of the client's or the forms' entry from an earlier part is refused (it would load that part at activation); a
// command file imported statically by an earlier part simply stays in that part.
const extensionParts = [
  { name: 'extension', entries: ['src/extension.ts'] },
  { name: 'client', entries: ['src/client/controlPlaneClient.ts', 'src/auth/deviceFlow.ts', 'src/auth/choreoAuthenticationProvider.ts'], lazyOnly: true },
  // Every command file, minus those the parts above already hold (the registry, the wrapper, the shared types).
  // With them, the resolver of the `choreo` launch attribute (src/launch/register.ts loads it on the first such launch).
  {
    name: 'commands',
    entries: [
      ...readdirSync('src/commands')
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `src/commands/${f}`),
      'src/launch/debugConfigurationProvider.ts',
    ],
  },
  { name: 'forms', entries: ['src/webviews/forms.ts'], lazyOnly: true },
  { name: 'editor', entries: ['src/editor/index.ts'], lazyOnly: true },
];
const PART_NS = 'choreo-part';
const repoRelative = (abs) => path.relative(process.cwd(), abs).split(path.sep).join('/');

/**
 * Builds the extension's parts. Two passes: the first finds which modules each part owns and which of them other parts
 * import; the second writes each part with the table of exactly those modules.
 */
async function buildExtensionParts() {
  /** Repo-relative path of a module -> name of the part that owns it. */
  const owner = new Map();
  /** Part name -> repo-relative paths other parts take from it. */
  const exported = new Map(extensionParts.map((p) => [p.name, new Set()]));
  const declared = new Map(extensionParts.flatMap((p) => p.entries.map((e) => [e, p])));
  const results = [];
  for (const pass of [1, 2]) {
    owner.clear();
    results.length = 0;
    for (const [index, part] of extensionParts.entries()) {
      const before = new Set(extensionParts.slice(0, index).map((p) => p.name));
      const entries = part.entries.filter((e) => !before.has(owner.get(e)));
      const table = [...new Set([...entries, ...exported.get(part.name)])];
      const entrySource = [
        part.name === 'extension' ? `export * from ${JSON.stringify(path.resolve(part.entries[0]))};` : '',
        `export const __modules = {`,
        ...table.map((key) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(path.resolve(key))}),`),
        `};`,
      ].join('\n');
      const result = await esbuild.build({
        ...common,
        logLevel: pass === 2 ? common.logLevel : 'warning',
        stdin: { contents: entrySource, resolveDir: process.cwd(), sourcefile: `${part.name}-part.js`, loader: 'js' },
        outfile: `dist/${part.name}.js`,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external: ['vscode'],
        // Connection snippet templates (src/snippets/templates/*.tmpl) are data files, bundled as strings.
        loader: { '.tmpl': 'text' },
        metafile: true,
        write: pass === 2,
        plugins: [englishOnlyZodLocales, partsPlugin(part.name, before)],
      });
      for (const input of Object.keys(result.metafile.inputs)) if (!input.includes(':')) owner.set(input, part.name);
      results.push([part.name, result]);
    }
  }
  return results;

  function partsPlugin(name, before) {
    return {
      name: 'extension-parts',
      setup(build) {
        // The owners' tables, from a module in another part.
        build.onResolve({ filter: /^\.\/[a-z]+\.js$/, namespace: PART_NS }, (args) => ({ path: args.path, external: true }));
        build.onLoad({ filter: /.*/, namespace: PART_NS }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(`./${args.pluginData.part}.js`)}).__modules[${JSON.stringify(args.path)}]();`,
          loader: 'js',
        }));
        build.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData?.partsResolving || args.kind === 'entry-point' || args.path === 'vscode' || args.namespace !== 'file') return undefined;
          const resolved = await build.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: { partsResolving: true },
          });
          if (resolved.errors.length || resolved.external || resolved.namespace !== 'file') return undefined;
          const key = repoRelative(resolved.path);
          const later = declared.get(key);
          let ownedBy = before.has(owner.get(key)) ? owner.get(key) : undefined;
          if (!ownedBy && later && later.name !== name && !before.has(later.name)) {
            if (args.kind === 'dynamic-import') ownedBy = later.name;
            else if (later.lazyOnly) {
              const text = `${repoRelative(args.importer)} imports ${key} statically; it belongs to dist/${later.name}.js, which loads on first use. Use import() (or import type).`;
              return { errors: [{ text }] };
            }
          }
          if (!ownedBy) return undefined;
          exported.get(ownedBy).add(key);
          return { path: key, namespace: PART_NS, pluginData: { part: ownedBy } };
        });
      },
    };
  }
}

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  {
    ...common,
    entryPoints: { controlPlane: 'src/controlPlane/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    metafile: true,
    // pg's optional native binding (libpq), which we do not use; pg loads it only when asked for `pg.native`.
    external: ['pg-native'],
  },
];
// The webview forms: one ESM entry per form of src/webviews/formList.ts (src/webviews/<form>/ is its extension side),
// the shared code split into chunks, @vscode-elements/elements copied as one module, and the forms' stylesheet. All
// land in dist/webview, the only folder a webview may load from.
const formList = await esbuild.transform(readFileSync('src/webviews/formList.ts', 'utf8'), { loader: 'ts', format: 'esm' });
const { FORM_NAMES: forms } = await import(`data:text/javascript;base64,${Buffer.from(formList.code).toString('base64')}`);
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
  // The extension's parts are built by two passes over esbuild, not one context: rebuild them on any change in src/.
  await buildExtensionParts().catch(() => {});
  let timer;
  watchFiles('src', { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void buildExtensionParts().catch(() => {}), 100);
  });
} else {
  const [parts] = await Promise.all([buildExtensionParts(), ...bundles.map((b) => esbuild.build(b))]);
  if (analyze) for (const [name, result] of parts) console.log(`dist/${name}.js${await esbuild.analyzeMetafile(result.metafile)}`);
}
