// The localisation files are what the code and the manifest say: the exported bundle holds exactly the strings of the
// `vscode.l10n.t` / `l10n.t` calls in src/ and webview-ui/ (as `npm run l10n` writes it), the pseudo-locale files are
// @vscode/l10n-dev's pseudo of the English ones, and every `%key%` of the manifest has its text in package.nls.json.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';

const root = path.join(__dirname, '..', '..', '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
const FIX = 'run `npm run l10n` and commit l10n/ and package.nls*.json';

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Every `%key%` a JSON value holds, with where. */
function references(value: unknown, at: string, out: Array<{ key: string; at: string }> = []): Array<{ key: string; at: string }> {
  if (typeof value === 'string') for (const m of value.matchAll(/^%([^%\s]+)%$/g)) out.push({ key: m[1]!, at });
  else if (Array.isArray(value)) value.forEach((v, i) => references(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) references(v, `${at}.${k}`, out);
  return out;
}

describe('localisation files', function () {
  this.timeout(60_000);

  it('l10n/bundle.l10n.json holds exactly the strings of the l10n.t calls in src/ and webview-ui/', async () => {
    const files = [...sources('src'), ...sources('webview-ui')]
      .map((f) => ({ contents: readFileSync(path.join(root, f), 'utf8'), extension: path.extname(f) }))
      // What l10n-dev parses at all (it skips the others itself, after a slower start).
      .filter((f) => f.contents.includes('l10n'));
    const exported = await getL10nJson(files);
    const committed = read('l10n/bundle.l10n.json');
    const missing = Object.keys(exported).filter((k) => !(k in committed));
    const stale = Object.keys(committed).filter((k) => !(k in exported));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, `the bundle is out of date: ${FIX}`);
    assert.ok(Object.keys(exported).length > 400, 'the export found the calls');
  });

  it('the pseudo-locale files are the pseudo of the English ones', () => {
    for (const [english, pseudo] of [
      ['l10n/bundle.l10n.json', 'l10n/bundle.l10n.qps-ploc.json'],
      ['package.nls.json', 'package.nls.qps-ploc.json'],
    ] as const) {
      assert.deepEqual(read(pseudo), getL10nPseudoLocalized(read(english) as never), `${pseudo} is out of date: ${FIX}`);
    }
  });

  it('every %key% of package.json and the launch attribute schema is in package.nls.json, and every key there is used', () => {
    const nls = read('package.nls.json');
    const refs = [
      ...references(read('package.json'), 'package.json'),
      ...references(read('schemas/launch-choreo-attribute.json'), 'schemas/launch-choreo-attribute.json'),
    ];
    assert.deepEqual(
      refs.filter((r) => !(r.key in nls)),
      [],
      'keys with no text in package.nls.json',
    );
    const used = new Set(refs.map((r) => r.key));
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'texts of package.nls.json that nothing uses',
    );
  });

  it('the manifest shows no English of its own: each user-visible field is a %key%', () => {
    const manifest = read('package.json') as { displayName: string; description: string; contributes: Record<string, never> };
    const c = manifest.contributes as unknown as {
      commands: Array<{ command: string; title: string; category?: string }>;
      views: Record<string, Array<{ name: string }>>;
      viewsWelcome: Array<{ contents: string }>;
      configuration: { title: string; properties: Record<string, { description?: string; markdownDescription?: string }> };
      walkthroughs: Array<{ title: string; description: string; steps: Array<{ title: string; description: string }> }>;
    };
    const visible = [
      manifest.displayName,
      manifest.description,
      ...c.commands.flatMap((x) => [x.title, x.category ?? '%category%']),
      ...Object.values(c.views)
        .flat()
        .map((v) => v.name),
      ...c.viewsWelcome.map((w) => w.contents),
      c.configuration.title,
      ...Object.values(c.configuration.properties).map((p) => p.description ?? p.markdownDescription!),
      ...c.walkthroughs.flatMap((w) => [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description])]),
    ];
    assert.deepEqual(
      visible.filter((v) => !/^%[^%\s]+%$/.test(v)),
      [],
      'plain text in package.json: move it to package.nls.json',
    );
  });
});
