/**
 * Asks `GET /healthz` with node:http, so finding a running control plane loads nothing heavy during activation.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export function probeHealth(baseUrl: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL('/healthz', baseUrl);
    } catch {
      resolve(false);
      return;
    }
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c.length < 4096 ? c : ''));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 && (JSON.parse(body) as { status?: string }).status === 'ok');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
