// The leak search shared by the no-secret-leaks test and its self-check: the places a secret could land (the
// extension's log output, globalState, workspaceState, settings, the control plane's data folder and log, the
// workspace) and the forms it could take there. One function, so the self-check proves the search the real test runs.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import { team } from './support';
import { filesUnder, type Place } from '../harness/leakSearch';

export { filesUnder, findLeaks, formsOf, type Place } from '../harness/leakSearch';

/** The local control plane's data folder (its log is in it too). */
export function controlPlaneDataDir(api: ChoreoApi): string {
  return path.dirname(api.connection.local!.logFile);
}

/** What the control plane in use keeps: the local one's data folder (its log is in it too), or in a team run the
 * team database, read whole as a backup (pg_dump) reads it. */
export function controlPlaneData(api: ChoreoApi): Place[] {
  if (team && api.connection.baseUrl === team.url) {
    return [
      {
        file: 'the team database (pg_dump)',
        text: execFileSync(team.pgDump, ['--data-only', '--dbname', team.databaseUrl], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 }),
      },
    ];
  }
  return api.connection.local ? filesUnder(controlPlaneDataDir(api)) : [];
}

/** Everything searched, read now (what the control plane keeps only while it is the one in use). */
export function placesToSearch(api: ChoreoApi): Place[] {
  const places: Place[] = [
    ...filesUnder(api.storage.logUri.fsPath),
    ...controlPlaneData(api),
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) => filesUnder(f.uri.fsPath)),
  ];
  for (const [name, memento] of [
    ['globalState', api.storage.globalState],
    ['workspaceState', api.storage.workspaceState],
  ] as const) {
    places.push({
      file: name,
      text: memento
        .keys()
        .map((k) => `${k}=${JSON.stringify(memento.get(k))}`)
        .join('\n'),
    });
  }
  places.push({ file: 'settings (choreo.*)', text: JSON.stringify(vscode.workspace.getConfiguration('choreo')) });
  places.push({ file: 'settings (all)', text: JSON.stringify(vscode.workspace.getConfiguration()) });
  return places;
}
