// How Run with Connection Values runs each language: the debugger's launch configuration carries the `choreo`
// attribute (so the values come from the same resolver as a user's own configuration), and the terminal fallback's
// command line survives any file name a shell could misread.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchConfiguration, runnerFor, shellQuote } from '../../../src/launch/runners';

describe('Run with Connection Values: how each language runs', () => {
  it('JavaScript, Python, Go and Java launch under their debugger with the attribute; shell scripts in a terminal only', () => {
    const expected: Record<string, string> = { javascript: 'node', python: 'debugpy', go: 'go', java: 'java' };
    for (const [languageId, type] of Object.entries(expected)) {
      const config = launchConfiguration(runnerFor(languageId)!, '/w/client file', '/w', 'development');
      assert.equal(config.type, type);
      assert.equal(config.request, 'launch');
      assert.deepEqual(config.choreo, { environment: 'development' });
      assert.equal(config.name, 'client file with connection values (development)');
    }
    assert.equal(runnerFor('shellscript')!.debugger, undefined);
    assert.equal(runnerFor('typescript'), undefined);
  });

  it('quotes the file for a POSIX shell: the shell reads back exactly the name', () => {
    for (const name of ['/w/plain.py', "/w/it's here.py", '/w/$(rm -rf x) `y` "z".py', '/w/a b\\c.js']) {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(name)}`], { encoding: 'utf8' });
      assert.equal(echoed, name);
    }
  });
});
