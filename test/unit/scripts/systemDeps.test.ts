// scripts/system-deps.mjs, the set-up step of `npm start`, `npm test`, `npm run bench` and `.ci/run`, run as a new
// user without root would meet it: programs missing from PATH, no sudo. It must stop at once with exit code 2 and
// the one command to run, and install nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { nodeTooOld } from '../../../scripts/system-deps.mjs';

const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'system-deps.mjs');
const NOBODY = 65534;

describe('system-deps (the set-up step both README commands run)', () => {
  let bin: string;
  before(() => {
    // A PATH with node and apt-get only: no sudo, no rg, go, strace, javac, g++, make, python3.
    bin = mkdtempSync(path.join(tmpdir(), 'system-deps-'));
    chmodSync(bin, 0o755);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync('/usr/bin/apt-get', path.join(bin, 'apt-get'));
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  /** Runs the script as a user who is not root (nobody, when the test runs as root) with that PATH. */
  function runWithout(purpose: string) {
    const asRoot = process.getuid?.() === 0;
    return spawnSync(path.join(bin, 'node'), [script, purpose], {
      encoding: 'utf8',
      env: { PATH: bin, HOME: bin },
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      timeout: 20_000,
    });
  }

  it('without root or sudo: exit code 2, what is missing and why, and the single command that installs it', () => {
    const result = runWithout('test');
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '', 'nothing was installed, so nothing is said on stdout');
    const commands = result.stderr.split('\n').filter((line) => line.includes('apt-get install'));
    assert.equal(commands.length, 1, result.stderr);
    for (const name of ['ripgrep', 'g++', 'golang-go', 'default-jdk-headless', 'strace']) {
      assert.match(commands[0], new RegExp(` ${name.replace('+', '\\+')}( |$)`));
    }
    assert.match(commands[0], /^\s*sudo apt-get install -y --no-install-recommends /);
    assert.match(result.stderr, /- ripgrep: code-server's search/);
  });

  it('npm start asks only for what the product needs, not the test tools', () => {
    const result = runWithout('start');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /ripgrep/);
    assert.doesNotMatch(result.stderr, /golang-go|strace|wrk|nginx|chromium|postgresql/);
  });

  it('says nothing when everything is present', () => {
    // `npm test` ran the same step before this test, so everything of `test` is here.
    const result = spawnSync(process.execPath, [script, 'test'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout + result.stderr, '');
  });

  it('refuses a Node older than engines.node, in one line', () => {
    assert.equal(nodeTooOld('>=20.18.1', '20.18.1'), undefined);
    assert.equal(nodeTooOld('>=20.18.1', 'v22.0.0'), undefined);
    assert.equal(nodeTooOld('>=20.18.1', '20.20.2'), undefined);
    const message = nodeTooOld('>=20.18.1', 'v18.19.0');
    assert.match(message, /needs Node >=20\.18\.1 .* this is Node 18\.19\.0/);
    assert.equal(message.split('\n').length, 1);
    assert.match(nodeTooOld('>=20.18.1', '20.9.0'), /20\.9\.0/);
  });
});
