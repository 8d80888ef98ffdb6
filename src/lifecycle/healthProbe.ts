/**
 * Asks `GET /healthz` with node:http, so finding a running control plane loads nothing heavy during activation.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HealthAnswer {
  healthy: boolean;
  /** The server's answer to `challenge` (see the control plane's identityProof), when one was asked and given. */
  proof?: string;
  /** The version the server reports (`version` in /healthz). */
  version?: string;
}

export async function probeHealth(baseUrl: string, timeoutMs = 1_000): Promise<boolean> {
  return (await probe(baseUrl, timeoutMs)).healthy;
}

/** `GET /healthz`, with `?challenge=` when given. Never rejects. */
export function probe(baseUrl: string, timeoutMs = 1_000, challenge?: string): Promise<HealthAnswer> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL('/healthz', baseUrl);
      if (challenge !== undefined) url.searchParams.set('challenge', challenge);
    } catch {
      resolve({ healthy: false });
      return;
    }
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c.length < 4096 ? c : ''));
      res.on('end', () => {
        try {
          const answer = JSON.parse(body) as { status?: string; proof?: unknown; version?: unknown };
          const healthy = res.statusCode === 200 && answer.status === 'ok';
          const result: HealthAnswer = { healthy };
          if (healthy && typeof answer.proof === 'string') result.proof = answer.proof;
          if (healthy && typeof answer.version === 'string') result.version = answer.version;
          resolve(result);
        } catch {
          resolve({ healthy: false });
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ healthy: false }));
  });
}
