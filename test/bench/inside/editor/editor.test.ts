// Bench, not a test of behaviour: runs inside the test VS Code (see ../../editor.bench.mjs). A consumer with CONNECTIONS
// connections, its folder linked; then the time of a completion answer where code reads the environment (all
// providers, as VS Code asks them), and the time from opening a 10,000-line file full of CHOREO_ names to its
// diagnostics. Writes its figures to CHOREO_BENCH_OUT.
import * as assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../../../src/extension';
import manifest from '../../../../package.json';

const CONNECTIONS = Number(process.env.CHOREO_BENCH_CONNECTIONS ?? 200);
const LINES = 10_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('editor bench', function () {
  this.timeout(600_000);
  it('times completion with many connections and the diagnostics of a long file', async () => {
    const api = (await vscode.extensions.getExtension<ChoreoApi>(`${manifest.publisher}.${manifest.name}`)!.activate())!;
    const deadline = Date.now() + 60_000;
    while (api.connection.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const client = await api.connection.client();
    const org = await client.createOrganization({ name: 'Bench Org' });
    const consumer = await client.createComponent(org.handle, 'default', { displayName: 'Bench App', name: 'bench-app', type: 'external-consumer' });
    const service = (await client.listComponents(org.handle, 'default', { type: 'service' })).items[0]!;
    for (let i = 0; i < CONNECTIONS; i++) {
      await client.createConnection(org.handle, 'default', consumer.name, {
        name: `Service ${i}`,
        serviceComponentName: service.name,
        endpointName: service.endpoints![0]!.name,
      });
    }
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(
      await vscode.commands.executeCommand(
        'choreo.linkWorkspace',
        { orgHandle: org.handle, projectHandle: 'default', componentName: consumer.name },
        { folder },
      ),
    );

    // Completion: the first answer fetches the list; the rest are what a user meets while typing.
    const file = path.join(folder, 'bench.ts');
    writeFileSync(file, 'const url = process.env.\n');
    const doc = await vscode.workspace.openTextDocument(file);
    const at = new vscode.Position(0, 'const url = process.env.'.length);
    const ask = () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    let first = 0;
    for (let i = 0; i < 100 && first < CONNECTIONS * 4; i++) {
      first = (await ask()).items.filter((it) => (typeof it.label === 'string' ? it.label : it.label.label).startsWith('CHOREO_')).length;
      if (first < CONNECTIONS * 4) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(first, CONNECTIONS * 4, 'every variable is offered');
    const completionMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const list = await ask();
      completionMs.push(performance.now() - started);
      assert.ok(list.items.length >= CONNECTIONS * 4);
    }
    // The same in a .env file, where no other provider answers: our part alone.
    const envFile = path.join(folder, '.env.bench');
    writeFileSync(envFile, 'CHOREO_\n');
    const envDoc = await vscode.workspace.openTextDocument(envFile);
    const envAt = new vscode.Position(0, 'CHOREO_'.length);
    const ownMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', envDoc.uri, envAt);
      ownMs.push(performance.now() - started);
      assert.ok(list.items.length >= CONNECTIONS * 4);
    }

    // Diagnostics of a long file: half its names are known, half are typos (200 distinct ones).
    mkdirSync(folder, { recursive: true });
    const long = path.join(folder, 'long.py');
    const lines = Array.from({ length: LINES }, (_, i) =>
      i % 2 ? `a${i} = os.environ["CHOREO_SERVICE_${i % CONNECTIONS}_SERVICEURL"]` : `b${i} = os.environ["CHOREO_SERVCE_${i % CONNECTIONS}_TOKENURL"]`,
    );
    writeFileSync(long, `import os\n${lines.join('\n')}\n`);
    const diagnosticsMs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const longDoc = await vscode.workspace.openTextDocument(long);
      const started = performance.now();
      const edit = new vscode.WorkspaceEdit();
      // One more unknown name each round, so the diagnostics awaited are this edit's.
      edit.insert(longDoc.uri, new vscode.Position(0, 0), `r = os.environ["CHOREO_ROUND_${round}_X"]\n`);
      const seen = new Promise<void>((resolve) => {
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (
            e.uris.some((u) => u.toString() === longDoc.uri.toString()) &&
            vscode.languages.getDiagnostics(longDoc.uri).filter((d) => d.source === 'Choreo').length === LINES / 2 + round + 1
          ) {
            sub.dispose();
            resolve();
          }
        });
      });
      await vscode.workspace.applyEdit(edit);
      await seen;
      // The check waits 300 ms after the last keystroke on purpose; what is ours is the rest.
      diagnosticsMs.push(performance.now() - started - 300);
    }
    const out = process.env.CHOREO_BENCH_OUT;
    if (out)
      writeFileSync(
        out,
        JSON.stringify({
          connections: CONNECTIONS,
          lines: LINES,
          completionMs,
          completionMedian: median(completionMs),
          ownMs,
          ownMedian: median(ownMs),
          diagnosticsMs,
          diagnosticsMedian: median(diagnosticsMs),
        }),
      );
  });
});
