// Bench, not a test of behaviour: runs inside a fresh extension host (see ../activation.bench.mjs) and times the
// extension's activation as a user's first click would trigger it: loading the bundle and running activate().
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import manifest from '../../../package.json';

describe('activation time', () => {
  it('activates the extension once, timed', async () => {
    const extension = vscode.extensions.getExtension(`${manifest.publisher}.${manifest.name}`);
    assert.ok(extension, 'the extension under development is loaded');
    // Activation is on our views and commands only, so nothing should have activated it before this point.
    assert.equal(extension.isActive, false, 'the extension was already active: an activation event fired at start-up');
    const started = performance.now();
    await extension.activate();
    const activationMs = performance.now() - started;
    assert.equal(extension.isActive, true);
    const out = process.env.CHOREO_BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify({ activationMs }));
  });
});
