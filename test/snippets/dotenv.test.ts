import './tmplLoader';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { connectionVariables, formatEnvValue, mergeEnvText, SnippetError, type EnvVariable } from '../../src/snippets';
import type { ConnectionConfig } from '../../src/api/connections';
import { runProgram } from './runners';

const SECRET = 'Zm9vYmFyLXNlY3JldC12YWx1ZQ';
const ours: EnvVariable[] = [
  { name: 'CHOREO_HR_SERVICEURL', value: 'http://127.0.0.1:7480/gw/acme/hr/v1' },
  { name: 'CHOREO_HR_CONSUMERKEY', value: 'client-123' },
  { name: 'CHOREO_HR_CONSUMERSECRET', value: SECRET },
  { name: 'CHOREO_HR_TOKENURL', value: 'http://127.0.0.1:7480/oauth2/token' },
];

/** What a POSIX shell reads back from the file, the strictest common consumer of .env files. */
async function sourcedBySh(text: string, names: string[]): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'choreo-dotenv-'));
  try {
    await writeFile(path.join(dir, '.env'), text);
    const script = `set -a; . ./.env; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
    const result = await runProgram('sh', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH } });
    assert.equal(result.code, 0, result.stderr);
    const values = result.stdout.split('\0');
    return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('.env merge', () => {
  const existing = [
    '\uFEFF# Local settings — keep this comment',
    'export DATABASE_URL="postgres://me:pw@localhost/db" # dev db',
    '',
    "CHOREO_HR_SERVICEURL='http://old.example/v1'  # set by hand",
    '   ',
    'MULTI="first line',
    'CHOREO_HR_CONSUMERKEY=inside-a-multiline-value',
    'last line"',
    'export CHOREO_HR_TOKENURL=http://127.0.0.1:7480/oauth2/token',
    'NO_NEWLINE_AT_END=1',
  ].join('\r\n');

  it('replaces only our keys in place and appends the new ones, every other line byte for byte (CRLF kept)', () => {
    const result = mergeEnvText(existing, ours, 'Choreo connection "HR" (development)');
    const before = existing.split('\r\n');
    const after = result.text.split('\r\n');
    assert.equal(after[0], before[0], 'BOM and comment');
    assert.deepEqual(after.slice(1, 3), before.slice(1, 3));
    assert.equal(after[3], 'CHOREO_HR_SERVICEURL=http://127.0.0.1:7480/gw/acme/hr/v1  # set by hand', 'in place, trailing comment kept');
    assert.deepEqual(after.slice(4, 10), before.slice(4, 10), 'the multi-line value of another key is not ours, even where it looks like it');
    assert.deepEqual(after.slice(10), ['# Choreo connection "HR" (development)', 'CHOREO_HR_CONSUMERKEY=client-123', `CHOREO_HR_CONSUMERSECRET=${SECRET}`, '']);
    assert.ok(!/(^|[^\r])\n/.test(result.text), 'no bare LF introduced');
    assert.deepEqual(result.added, ['CHOREO_HR_CONSUMERKEY', 'CHOREO_HR_CONSUMERSECRET']);
    assert.deepEqual(result.updated, ['CHOREO_HR_SERVICEURL']);
    assert.deepEqual(result.unchanged, ['CHOREO_HR_TOKENURL']);
    assert.ok(!JSON.stringify({ ...result, text: undefined }).includes(SECRET), 'the report never carries a value');
  });

  it('a second merge of the same values changes nothing', () => {
    const once = mergeEnvText(existing, ours).text;
    const twice = mergeEnvText(once, ours);
    assert.equal(twice.changed, false);
    assert.equal(twice.text, once);
    assert.deepEqual(twice.unchanged.sort(), ours.map((v) => v.name).sort());
  });

  it('a second write with a variable more (the secret, now included) adds it to its block, not a second header', () => {
    const comment = 'Choreo connection HR (development)';
    const first = mergeEnvText('OTHER=1\n', ours.slice(0, 2), comment).text;
    const second = mergeEnvText(first, ours, comment).text;
    assert.equal(second.split('\n').filter((l) => l === `# ${comment}`).length, 1, second);
    assert.deepEqual(second.split('\n'), ['OTHER=1', `# ${comment}`, ...ours.map((v) => `${v.name}=${formatEnvValue(v.name, v.value)}`), '']);
    const third = mergeEnvText(second, ours, comment);
    assert.equal(third.changed, false);
  });

  it('creates the file text when there is none, LF by default', () => {
    const result = mergeEnvText(undefined, ours.slice(0, 2));
    assert.equal(result.text, 'CHOREO_HR_SERVICEURL=http://127.0.0.1:7480/gw/acme/hr/v1\nCHOREO_HR_CONSUMERKEY=client-123\n');
  });

  it('updates every occurrence of a duplicated key and drops the continuation lines of our own multi-line value', () => {
    const text = 'CHOREO_HR_CONSUMERKEY=a\nKEEP=1\nCHOREO_HR_CONSUMERKEY="b\nc"\nKEEP2=2\n';
    const result = mergeEnvText(text, [{ name: 'CHOREO_HR_CONSUMERKEY', value: 'new' }]);
    assert.equal(result.text, 'CHOREO_HR_CONSUMERKEY=new\nKEEP=1\nCHOREO_HR_CONSUMERKEY=new\nKEEP2=2\n');
  });

  it('a stray quote that never closes does not swallow the rest of the file', () => {
    const text = 'CHOREO_HR_CONSUMERKEY="oops\nKEEP=1\n';
    assert.equal(mergeEnvText(text, [{ name: 'CHOREO_HR_CONSUMERKEY', value: 'x' }]).text, 'CHOREO_HR_CONSUMERKEY=x\nKEEP=1\n');
  });

  it('quotes values that need it, so sh reads back exactly what was written', async () => {
    const tricky: EnvVariable[] = [
      { name: 'A_URL', value: 'https://h.example/p?x=1&y=2' },
      { name: 'B_SPACES', value: 'two words #not-a-comment' },
      { name: 'C_DOLLAR', value: 'pa$$word`x`\\n' },
      { name: 'D_SINGLE', value: "it's" },
      { name: 'E_TILDE', value: '~home' },
      { name: 'F_PLAIN', value: 'abc-DEF_123.4:5/6@7+8=9%,' },
    ];
    const text = mergeEnvText('', tricky).text;
    assert.ok(text.includes('F_PLAIN=abc-DEF_123.4:5/6@7+8=9%,\n'), 'safe values stay bare');
    assert.deepEqual(
      await sourcedBySh(
        text,
        tricky.map((v) => v.name),
      ),
      Object.fromEntries(tricky.map((v) => [v.name, v.value])),
    );
  });

  it('refuses values no .env line can hold, with a code and without the value in the message', () => {
    assert.throws(
      () => formatEnvValue('X', 'a\nb'),
      (e: unknown) => e instanceof SnippetError && e.code === 'env_value_unquotable' && !e.message.includes('a\nb'),
    );
    assert.throws(
      () => formatEnvValue('X', `'"$`),
      (e: unknown) => e instanceof SnippetError && e.code === 'env_value_unquotable',
    );
    assert.throws(
      () => mergeEnvText('', [{ name: 'BAD NAME', value: 'x' }]),
      (e: unknown) => e instanceof SnippetError && e.code === 'invalid_variable_name',
    );
  });

  it('property: lines that are not our keys come back byte for byte and in order', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '',
        '# comment',
        '  # indented',
        'export FOO=bar',
        "Q='x y'",
        'E=',
        ' spaced = value ',
        'CHOREO_HR_SERVICEURLX=1',
        '#CHOREO_HR_TOKENURL=commented',
      ),
      fc.stringMatching(/^[A-Za-z_ #=:'\t.-]{0,20}$/).filter((s) => !/^\s*(export\s+)?CHOREO_HR_/.test(s) && !/["'`]/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, finalEol) => {
        const text = lines.join(eol) + (finalEol && lines.length > 0 ? eol : '');
        const merged = mergeEnvText(text, ours).text;
        assert.ok(merged.startsWith(text), 'the old text is a prefix: untouched and in order');
        assert.equal(merged.split(/\r?\n/).filter((l) => /^CHOREO_HR_(SERVICEURL|CONSUMERKEY|CONSUMERSECRET|TOKENURL)=/.test(l)).length, 4);
      }),
      { numRuns: 300 },
    );
  });
});

describe('connection variables for .env', () => {
  const config: ConnectionConfig = {
    connectionName: 'HR',
    environment: 'development',
    configured: true,
    entries: [
      { key: 'ServiceURL', value: 'http://s', isSensitive: false, envVariableName: 'CHOREO_HR_SERVICEURL' },
      { key: 'ConsumerKey', value: 'k', isSensitive: false, envVariableName: 'CHOREO_HR_CONSUMERKEY' },
      { key: 'ConsumerSecret', value: 'from-the-config', isSensitive: true, envVariableName: 'CHOREO_HR_CONSUMERSECRET', valueRef: 'vault:hr' },
      { key: 'TokenURL', value: 'http://t', isSensitive: false, envVariableName: 'CHOREO_HR_TOKENURL' },
    ],
  };

  it('takes the secret only from the vault value given, never from the config entry', () => {
    assert.deepEqual(connectionVariables(config).missing, ['CHOREO_HR_CONSUMERSECRET']);
    const withSecret = connectionVariables(config, { ConsumerSecret: 'from-the-vault' });
    assert.deepEqual(withSecret.missing, []);
    assert.equal(withSecret.variables.find((v) => v.name === 'CHOREO_HR_CONSUMERSECRET')?.value, 'from-the-vault');
  });
});
