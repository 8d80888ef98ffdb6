// Bench, not a test of behaviour: runs inside a fresh extension host (see ../../activation.bench.mjs) and times the
// extension's activation as a user's first click would trigger it: loading the bundle and running activate().
// Besides that whole figure it reports its two parts that are ours: loading (compiling and running) the bundle VS Code
// requires at activation, timed around Node's module compile, and activate() itself, from the line the extension logs.
// The rest is VS Code's own work (the extension's context, storage, the output channel's IPC).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';

type Compile = (this: { filename: string }, content: string, filename: string) => unknown;

describe('activation time', () => {
  it('activates the extension once, timed', async () => {
    const extension = vscode.extensions.getExtension<{ storage: { logUri: vscode.Uri } }>(`${manifest.publisher}.${manifest.name}`);
    assert.ok(extension, 'the extension under development is loaded');
    // In a linked workspace (CHOREO_BENCH_LINKED) VS Code activates the extension at start-up (workspaceContains):
    // then only activate()'s own figure is read. Otherwise activation is on our views and commands only, so nothing
    // should have activated it before this point.
    const linked = process.env.CHOREO_BENCH_LINKED === '1';
    if (linked) {
      const deadline = Date.now() + 30_000;
      while (!extension.isActive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(extension.isActive, true, 'a linked workspace activates the extension at start-up');
    } else {
      assert.equal(extension.isActive, false, 'the extension was already active: an activation event fired at start-up');
    }

    const main = path.join(extension.extensionPath, manifest.main);
    const proto = (Module as unknown as { prototype: { _compile: Compile } }).prototype;
    const compile = proto._compile;
    const loaded: Array<{ file: string; ms: number }> = [];
    proto._compile = function (content, filename) {
      const started = performance.now();
      try {
        return compile.call(this, content, filename);
      } finally {
        if (filename.startsWith(path.dirname(main))) loaded.push({ file: path.basename(filename), ms: performance.now() - started });
      }
    };
    let activationMs: number;
    try {
      const started = performance.now();
      await extension.activate();
      activationMs = performance.now() - started;
    } finally {
      proto._compile = compile;
    }
    assert.equal(extension.isActive, true);
    if (!linked)
      assert.ok(
        loaded.some((l) => l.file === path.basename(main)),
        `${manifest.main} was loaded`,
      );

    // activate() logs its own time; the log file is written a moment later.
    const logDir = extension.exports.storage.logUri.fsPath;
    let activateMs: number | undefined;
    for (let i = 0; i < 100 && activateMs === undefined; i++) {
      const text = readAll(logDir);
      const m = /activate\(\) took ([\d.]+) ms/.exec(text);
      if (m) activateMs = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(activateMs !== undefined, 'the activation log line was written');

    const out = process.env.CHOREO_BENCH_OUT;
    const loadedAtActivation = loaded.map((l) => ({ ...l, bytes: statSync(path.join(path.dirname(main), l.file)).size }));
    if (out) writeFileSync(out, JSON.stringify({ activationMs, activateMs, loaded: loadedAtActivation }));
  });
});

function readAll(dir: string): string {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => {
        try {
          return readFileSync(path.join(dir, f), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
  } catch {
    return '';
  }
}
