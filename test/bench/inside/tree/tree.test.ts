// Bench, not a test of behaviour: runs inside the test VS Code (see ../../tree.bench.mjs), against a control plane
// process holding one project of 10,000 components, and times what a user's click on that project costs: the
// extension's own tree provider loading the project's children and making a tree item of each row of the first page.
// The first expansion in the fresh extension host is reported apart (cold); then the project is refreshed and
// expanded again, EXPANSIONS times.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import type { ChoreoApi } from '../../../../src/extension';

const EXPANSIONS = Number(process.env.CHOREO_BENCH_EXPANSIONS ?? 21);

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is set by tree.bench.mjs`);
  return value;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tree: a project of 10,000 components', () => {
  it('expands the project to its first page of tree items, timed', async function () {
    this.timeout(180_000);
    const url = env('CHOREO_BENCH_CONTROL_PLANE_URL');
    const org = env('CHOREO_BENCH_ORG');
    const project = env('CHOREO_BENCH_PROJECT');
    const extension = vscode.extensions.getExtension<ChoreoApi>(`${manifest.publisher}.${manifest.name}`);
    assert.ok(extension);
    const api = await extension.activate();

    // Point the extension at the bench's control plane as a user would: its access token in SecretStorage, then the
    // URL in the settings (the extension reconnects on the change).
    await api.vault.storeAccessToken(url, env('CHOREO_BENCH_CONTROL_PLANE_TOKEN'));
    await vscode.workspace.getConfiguration('choreo.controlPlane').update('url', url, vscode.ConfigurationTarget.Global);
    await waitFor('the remote control plane', () => api.connection.kind === 'remote' && api.connection.baseUrl === url && api.connection.state === 'ready');

    const tree = api.tree;
    const orgNode = (await tree.getChildren()).find((n) => n.id === `org:${org}`);
    assert.ok(orgNode, `organization ${org} is in the tree`);
    const projectNode = (await tree.getChildren(orgNode)).find((n) => n.id === `project:${org}/${project}`);
    assert.ok(projectNode, `project ${project} is in the tree`);

    const expand = async () => {
      tree.refresh(projectNode);
      const started = performance.now();
      const rows = await tree.getChildren(projectNode);
      const items = rows.map((row) => tree.getTreeItem(row));
      return { ms: performance.now() - started, items };
    };
    const cold = await expand();
    const times: number[] = [];
    let last = cold.items;
    for (let i = 0; i < EXPANSIONS; i++) {
      const run = await expand();
      times.push(run.ms);
      last = run.items;
    }
    // What the user sees: a first page of 100 components, then "Load more…".
    assert.equal(last.length, 101, 'one page of 100 components and a Load more row');
    assert.equal(last[100].label, 'Load more…');
    assert.ok(last.slice(0, 100).every((item) => item.contextValue === 'component.externalConsumer'));

    const out = process.env.CHOREO_BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify({ coldMs: cold.ms, times }));
  });
});
