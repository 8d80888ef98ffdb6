// The leak search's pure part, shared by the integration layer (test/integration/leakSearch.ts adds the places inside
// VS Code) and the e2e layer (which searches the test VS Code's user-data folder and the workspace from outside): the
// forms a secret takes and where one is found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Place {
  file: string;
  text: string;
}

/** Every regular file under a folder (recursively), with its bytes as latin1 so that any byte sequence compares. */
export function filesUnder(dir: string): Place[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  const out: Place[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) out.push({ file, text: readFileSync(file).toString('latin1') });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** The forms a secret takes in transit: as is, URL-encoded, and base64 (Basic credentials). */
export function formsOf(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

/** One entry per (secret, place) where any form of the secret is found. */
export function findLeaks(secrets: readonly string[], places: readonly Place[]): Array<{ secret: string; place: string }> {
  const found: Array<{ secret: string; place: string }> = [];
  for (const secret of secrets) {
    const forms = formsOf(secret);
    for (const p of places) if (forms.some((f) => p.text.includes(f))) found.push({ secret, place: p.file });
  }
  return found;
}
