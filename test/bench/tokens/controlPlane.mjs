// Starts the control plane bundle (built by the control plane tests' helper, as the tests run it) and resolves its URL
// and admin token; benches run with tsx loaded, so they share that TypeScript helper.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// Loaded as CommonJS, as the tests load it (its paths come from __dirname).
export const { controlPlaneBundle, freePort } = createRequire(import.meta.url)('../../controlPlane/helpers/controlPlane.ts');

export function startProcess(command, args, readyPattern, env = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const m = readyPattern.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, url: m[1] });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code} before it was ready`)));
  });
}

export async function startControlPlane(bundle, dataDir) {
  const { child, url } = await startProcess(
    process.execPath,
    [bundle, 'serve', '--data', dataDir, '--port', '0'],
    /^Choreo control plane listening on (\S+)$/m,
  );
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  return { child, url, token };
}

/** A management API call with the admin token; throws on a refusal. */
export async function api(cp, method, path, body) {
  const res = await fetch(cp.url + path, {
    method,
    headers: { authorization: `Bearer ${cp.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
