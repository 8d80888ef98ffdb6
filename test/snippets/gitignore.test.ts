import './tmplLoader';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envIgnoreRule, ensureEnvIgnored } from '../../src/snippets';
import { runProgram, which } from './runners';

/** What git itself says about the root file .env under this .gitignore. */
async function gitIgnoresEnv(gitignore: string): Promise<boolean> {
  const dir = await mkdtemp(path.join(tmpdir(), 'choreo-gitignore-'));
  try {
    const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' };
    await runProgram('git', ['init', '-q'], { cwd: dir, env });
    await writeFile(path.join(dir, '.gitignore'), gitignore);
    await writeFile(path.join(dir, '.env'), 'X=1\n');
    const result = await runProgram('git', ['check-ignore', '-q', '.env'], { cwd: dir, env });
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return result.code === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CASES: [string, 'added' | 'already-ignored' | 'unignored'][] = [
  ['', 'added'],
  ['node_modules/\ndist/\n', 'added'],
  ['.env\n', 'already-ignored'],
  ['/.env\n', 'already-ignored'],
  ['*.env\n', 'already-ignored'],
  ['.env*\n', 'already-ignored'],
  ['**/.env\n', 'already-ignored'],
  ['.e?v\n', 'already-ignored'],
  ['.[e]nv\n', 'already-ignored'],
  ['*\n!.gitignore\n', 'already-ignored'],
  ['.env   \n', 'already-ignored'],
  ['.env/\n', 'added'],
  ['config/.env\n', 'added'],
  ['# .env\n', 'added'],
  ['.env.local\n', 'added'],
  ['\\#.env\n', 'added'],
  ['.env\n!.env\n', 'unignored'],
  ['*.env\n!/.env\n', 'unignored'],
  ['!.env\n.env*\n', 'already-ignored'],
];

describe('.gitignore keeps .env out of git', () => {
  for (const [text, status] of CASES) {
    it(`${JSON.stringify(text)} → ${status}, as git check-ignore agrees`, async function () {
      if (!(await which('git'))) this.skip();
      const result = ensureEnvIgnored(text);
      assert.equal(result.status, status);
      assert.equal(envIgnoreRule(text)?.ignored ?? false, await gitIgnoresEnv(text), 'our reading of the rules matches git');
      assert.equal(await gitIgnoresEnv(result.text), status !== 'unignored', 'after the merge git ignores .env unless un-ignored on purpose');
    });
  }

  it('adds one line, once, keeping CRLF and a missing final newline', () => {
    const first = ensureEnvIgnored('node_modules/\r\ndist/');
    assert.equal(first.text, 'node_modules/\r\ndist/\r\n.env\r\n');
    const second = ensureEnvIgnored(first.text);
    assert.equal(second.changed, false);
    assert.equal(second.text.split(/\r?\n/).filter((l) => l === '.env').length, 1);
    assert.deepEqual(second.rule, { pattern: '.env', line: 3 });
  });

  it('creates the text when there is no .gitignore', () => {
    assert.deepEqual(ensureEnvIgnored(undefined), { text: '.env\n', status: 'added', changed: true });
  });

  it('says which rule un-ignores .env, leaving it to the user', () => {
    const result = ensureEnvIgnored('.env\n# we commit it on purpose\n!.env\n');
    assert.equal(result.changed, false);
    assert.deepEqual(result.rule, { pattern: '!.env', line: 3 });
  });
});
