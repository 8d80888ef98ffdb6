/** What the integration tests share: the extension's test API with a running local control plane, waiting, and
 * reading the tree as a person sees it. */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import manifest from '../../package.json';

export const extensionId = `${manifest.publisher}.${manifest.name}`;

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const healthy = (baseUrl: string): Promise<boolean> =>
  fetch(`${baseUrl}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

/** The team control plane of a team run (`npm run test:integration -- --team`: three replicas on PostgreSQL behind
 * nginx, started by test/harness/integration.ts), reached by URL as a remote control plane; undefined in the usual
 * run against the local control plane. */
export const team = process.env.CHOREO_TEST_TEAM_URL
  ? {
      url: process.env.CHOREO_TEST_TEAM_URL,
      token: process.env.CHOREO_TEST_TEAM_TOKEN!,
      databaseUrl: process.env.CHOREO_TEST_TEAM_DATABASE_URL!,
      /** pg_dump of the cluster's PostgreSQL, to read the team database as a backup would. */
      pgDump: process.env.CHOREO_TEST_TEAM_PG_DUMP!,
    }
  : undefined;

/** The extension's test API once its control plane is ready: the local one (an earlier suite may have stopped it),
 * or in a team run the team's, switched to by URL with its admin token. */
export async function activeApi(): Promise<ChoreoApi> {
  const extension = vscode.extensions.getExtension<ChoreoApi>(extensionId);
  assert.ok(extension, `${extensionId} is installed`);
  const api = await extension.activate();
  if (team) {
    if (api.connection.kind !== 'remote' || api.connection.baseUrl !== team.url) {
      const switched = await vscode.commands.executeCommand<string>('choreo.controlPlane.switch', { url: team.url, token: team.token });
      assert.equal(switched, team.url, api.failures.last?.message);
    }
    await waitFor('the team control plane', () => api.connection.state === 'ready');
    return api;
  }
  if (!(await healthy(api.connection.baseUrl))) await api.connection.restart();
  await waitFor('the local control plane', () => api.connection.state === 'ready');
  return api;
}

/** The admin token of the control plane in use: the local one's from its data folder, or the team's. */
export function adminToken(api: ChoreoApi): string {
  if (team && api.connection.baseUrl === team.url) return team.token;
  return readFileSync(path.join(path.dirname(api.connection.local!.logFile), 'admin-token'), 'utf8').trim();
}

export interface Row {
  label: string;
  description?: string;
  contextValue?: string;
  node: unknown;
}

/** The rows under a tree node (the root without one), as the view shows them. */
export async function rows(api: ChoreoApi, node?: unknown): Promise<Row[]> {
  const children = await api.tree.getChildren(node as never);
  return children.map((n) => {
    const item = api.tree.getTreeItem(n);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return { label, description: item.description as string | undefined, contextValue: item.contextValue, node: n };
  });
}

/** The row with this label under a parent; fails naming the rows that are there. */
export async function child(api: ChoreoApi, parent: unknown, label: string): Promise<Row> {
  const all = await rows(api, parent);
  const found = all.find((r) => r.label === label);
  assert.ok(found, `a row "${label}" under the parent; got ${all.map((r) => r.label).join(', ')}`);
  return found;
}

/** A second control plane (a team's, reached by URL) in its own temp data folder; resolves with its URL once it prints its ready line. */
export function startControlPlane(entry: string, dataDir: string, extraArgs: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  // The extension host is Node under code-server and Electron under test-electron; ELECTRON_RUN_AS_NODE covers both.
  const child = spawn(process.execPath, [entry, 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...extraArgs], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the second control plane did not start: ${err}`)), 15_000);
    child.stderr!.on('data', (d) => (err += String(d)));
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /^Choreo control plane listening on (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second control plane exited (${code}): ${err}`));
    });
  });
}
