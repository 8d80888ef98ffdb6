import './tmplLoader';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envVariableName, type ConnectionConfig } from '../../src/api/connections';
import {
  escapeSnippetText,
  renderConnectionFile,
  renderConnectionSnippet,
  offeredSnippets,
  SIGN_IN_SNIPPETS,
  SNIPPET_LANGUAGES,
  SnippetError,
  snippetLanguage,
  snippetVariables,
} from '../../src/snippets';
import { runProgram } from './runners';
import { decodeSnippet } from './snippetSyntax';

const SECRET = 'sup3r-s3cret-value';
const config: ConnectionConfig = {
  connectionName: 'Payroll API',
  environment: 'development',
  configured: true,
  entries: [
    { key: 'ServiceURL', value: 'http://127.0.0.1:7480/gw/acme/payroll/v1', isSensitive: false, envVariableName: envVariableName('Payroll API', 'ServiceURL') },
    { key: 'ConsumerKey', value: 'client-abc123', isSensitive: false, envVariableName: envVariableName('Payroll API', 'ConsumerKey') },
    { key: 'ConsumerSecret', value: SECRET, isSensitive: true, envVariableName: envVariableName('Payroll API', 'ConsumerSecret') },
    { key: 'TokenURL', value: 'http://127.0.0.1:7480/oauth2/token', isSensitive: false, envVariableName: envVariableName('Payroll API', 'TokenURL') },
  ],
};

describe('connection snippet rendering', () => {
  it('escapes $, } and \\ for VS Code snippet syntax, and nothing else', () => {
    assert.equal(escapeSnippetText('a${b}\\c$1 {x}'), 'a\\${b\\}\\\\c\\$1 {x\\}');
  });

  for (const language of SNIPPET_LANGUAGES) {
    describe(language.label, () => {
      it('VS Code would insert exactly the runnable file, with the service path as the only tab stop', () => {
        const snippet = renderConnectionSnippet(language.id, config);
        const decoded = decodeSnippet(snippet);
        assert.deepEqual(decoded.variables, [], 'no unescaped $NAME that VS Code would substitute');
        assert.deepEqual(decoded.tabStops, [{ index: 1, placeholder: '/' }]);
        assert.equal(decoded.text, renderConnectionFile(language.id, config, '/'));
        assert.ok(snippet.includes('${1:/}'));
      });

      it('reads every value from the CHOREO_* variables and inlines none', () => {
        const file = renderConnectionFile(language.id, config, '/payslips');
        for (const entry of config.entries) {
          assert.ok(file.includes(entry.envVariableName), `${entry.envVariableName} is read`);
          assert.ok(!file.includes(entry.value!), `${entry.key}'s value is not inlined`);
        }
        assert.ok(file.includes('/payslips'));
        assert.ok(!/\{\{choreo\./.test(file), 'no placeholder left');
      });
    });
  }

  it('uses renamed variable names from the connection config entries', () => {
    const renamed = { ...config, entries: config.entries.map((e) => (e.key === 'TokenURL' ? { ...e, envVariableName: 'PAYROLL_TOKEN_URL' } : e)) };
    assert.equal(snippetVariables(renamed).tokenUrlVar, 'PAYROLL_TOKEN_URL');
    assert.ok(renderConnectionFile('python', renamed).includes('require_env("PAYROLL_TOKEN_URL")'));
  });

  it('refuses a variable name that is not one, a service path with quotes, and an unknown language, with codes', () => {
    const bad = { ...config, entries: config.entries.map((e) => (e.key === 'ServiceURL' ? { ...e, envVariableName: 'BAD-NAME"' } : e)) };
    assert.throws(
      () => renderConnectionSnippet('go', bad),
      (e: unknown) => e instanceof SnippetError && e.code === 'invalid_variable_name',
    );
    assert.throws(
      () => renderConnectionFile('shell', config, "/x'; rm -rf ~"),
      (e: unknown) => e instanceof SnippetError && e.code === 'invalid_service_path',
    );
    assert.throws(
      () => renderConnectionFile('cobol' as never, config),
      (e: unknown) => e instanceof SnippetError && e.code === 'unknown_language',
    );
  });

  it('keeps an odd connection name from breaking out of the comment', () => {
    const file = renderConnectionFile('java', { ...config, connectionName: 'x */ class Evil {} /*\n' });
    assert.ok(file.startsWith('// Calls the "x __ class Evil __ ___" connection'), file.split('\n')[0]);
  });

  // The plain snippet as a CommonJS script; the openid-client one as the ES module it must be (openid-client 6 is
  // ESM only), against the openid-client types installed here, as in a user's project.
  for (const [id, module] of [
    ['typescript', 'commonjs'],
    ['typescript-openid-client', 'nodenext'],
  ] as const) {
    it(`the ${snippetLanguage(id)!.label} snippet compiles under tsc --strict`, async function () {
      this.timeout(60_000);
      const dir = await mkdtemp(path.join(tmpdir(), 'choreo-snippets-tsc-'));
      try {
        const file = path.join(dir, snippetLanguage(id)!.fileName);
        await writeFile(file, renderConnectionFile(id, config, '/payslips'));
        const repo = path.resolve(__dirname, '..', '..');
        await symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
        const args = [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', module, '--lib', 'es2022', '--types', 'node', '--skipLibCheck', file];
        const result = await runProgram(process.execPath, args, { cwd: dir, env: process.env });
        assert.equal(result.code, 0, result.stdout + result.stderr);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("the choreo.snippets.defaultLanguage setting offers exactly the list's entries", () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { enum?: string[] }> } };
    };
    const setting = manifest.contributes.configuration.properties['choreo.snippets.defaultLanguage'];
    assert.deepEqual(
      setting?.enum,
      SNIPPET_LANGUAGES.map((l) => l.id),
    );
  });

  it("each library variant sits right after its language's own snippet, and its label names the library", () => {
    const ids = SNIPPET_LANGUAGES.map((l) => l.id);
    for (const entry of SNIPPET_LANGUAGES.filter((l) => l.id !== l.language)) {
      const own = ids.indexOf(entry.language);
      assert.ok(own >= 0 && ids.indexOf(entry.id) > own, `${entry.id} follows ${entry.language}`);
      assert.ok(
        ids.slice(own + 1, ids.indexOf(entry.id)).every((id) => snippetLanguage(id)!.language === entry.language),
        `${entry.id} is beside ${entry.language}`,
      );
      assert.match(entry.label, /^\S+ \(.+\)$/, 'the label names the library');
    }
  });
});

describe('snippets of apps that sign people in', () => {
  const signIn: ConnectionConfig = {
    ...config,
    entries: [
      ...config.entries,
      { key: 'IssuerURL', value: 'http://127.0.0.1:7480/oauth2/acme', isSensitive: false, envVariableName: envVariableName('Payroll API', 'IssuerURL') },
    ],
  };
  // What each reads: a browser app only config.js; a web server the secret too; a native app no secret.
  const reads = {
    'browser-app-oidc-client-ts': [],
    'web-app-openid-client': ['ServiceURL', 'ConsumerKey', 'ConsumerSecret', 'IssuerURL'],
    'native-app-openid-client': ['ServiceURL', 'ConsumerKey', 'IssuerURL'],
  } as const;

  for (const snippet of SIGN_IN_SNIPPETS) {
    describe(snippet.label, () => {
      it('VS Code would insert exactly the runnable file, with the service path as the only tab stop', () => {
        const decoded = decodeSnippet(renderConnectionSnippet(snippet.id, signIn));
        assert.deepEqual(decoded.variables, []);
        assert.deepEqual(decoded.tabStops, [{ index: 1, placeholder: '/' }]);
        assert.equal(decoded.text, renderConnectionFile(snippet.id, signIn, '/'));
      });

      it('reads its values from the CHOREO_* variables (a browser app from config.js), inlines none, never a browser secret', () => {
        const file = renderConnectionFile(snippet.id, signIn, '/payslips');
        const read = new Set<string>(reads[snippet.id]);
        for (const entry of signIn.entries) {
          assert.equal(file.includes(entry.envVariableName), read.has(entry.key), `${entry.envVariableName} ${read.has(entry.key) ? 'is' : 'is not'} read`);
          assert.ok(!file.includes(entry.value!), `${entry.key}'s value is not inlined`);
        }
        if (snippet.app === 'browser') assert.match(file, /window\.configs/);
        assert.ok(file.includes("'/payslips'"));
        assert.ok(!/\{\{choreo\./.test(file), 'no placeholder left');
      });

      it('is a JavaScript module Node can parse', async () => {
        const dir = await mkdtemp(path.join(tmpdir(), 'choreo-snippets-check-'));
        try {
          const file = path.join(dir, 'app.mjs');
          await writeFile(file, renderConnectionFile(snippet.id, signIn, '/payslips'));
          const result = await runProgram(process.execPath, ['--check', file], { cwd: dir, env: process.env });
          assert.equal(result.code, 0, result.stderr);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });
  }

  it('Insert Connection Snippet offers them only when the config carries IssuerURL, after every language, the preferred first', () => {
    assert.deepEqual(
      offeredSnippets(config, 'go').map((s) => s.id),
      ['go', ...SNIPPET_LANGUAGES.map((l) => l.id).filter((id) => id !== 'go')],
    );
    const offered = offeredSnippets(signIn, 'typescript').map((s) => s.id);
    assert.deepEqual(offered, [...SNIPPET_LANGUAGES.map((l) => l.id), ...SIGN_IN_SNIPPETS.map((s) => s.id)]);
  });

  it("a public client's keys (no ConsumerSecret in the config) are offered only the browser and native apps: every other snippet needs the secret", () => {
    const publicClient = { ...signIn, entries: signIn.entries.filter((e) => e.key !== 'ConsumerSecret') };
    assert.deepEqual(
      offeredSnippets(publicClient, 'typescript').map((s) => s.id),
      ['browser-app-oidc-client-ts', 'native-app-openid-client'],
    );
  });

  it('the IDs of both lists are distinct', () => {
    const ids = [...SNIPPET_LANGUAGES, ...SIGN_IN_SNIPPETS].map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});
