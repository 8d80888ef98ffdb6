// Runs wrk against a token endpoint with a client_credentials POST (HTTP Basic) and returns requests/second,
// after checking that the answers were successes (wrk counts "Non-2xx or 3xx responses").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function wrkTokens(url, clientId, clientSecret, { seconds = 10, connections = 16, threads = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'));
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      'wrk.body = "grant_type=client_credentials"',
      'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
      `wrk.headers["Authorization"] = "Basic ${basic}"`,
      '',
    ].join('\n'),
  );
  try {
    const r = spawnSync('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '-s', script, url], {
      encoding: 'utf8',
      timeout: (seconds + 30) * 1000,
    });
    if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.error}`);
    const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
    const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    if (bad > 0) throw new Error(`${bad} token requests to ${url} failed:\n${r.stdout}`);
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
