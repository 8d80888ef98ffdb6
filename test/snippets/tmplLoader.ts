// Lets plain Node (mocha + tsx) load the snippet templates the way esbuild's text loader does in the bundle:
// `import text from './x.tmpl'` gives the file's text. Imported first by every test that reaches src/snippets.
import { readFileSync } from 'node:fs';

type Loader = (module: { exports: unknown }, filename: string) => void;
// eslint-disable-next-line @typescript-eslint/no-deprecated -- CommonJS's loader hook is the only way to give tsx a text loader
const extensions = require.extensions as unknown as Record<string, Loader>;
extensions['.tmpl'] ??= (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};
