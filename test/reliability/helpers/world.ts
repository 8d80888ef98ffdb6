/**
 * What the reliability tests share: the seed's world on a real control plane process (Stark Industries, a consumer
 * with built-in keys, the sample-like Greeting service on a local upstream, a connection), a fingerprint of the store
 * (the data folder's files and the full listing through the API), raw HTTP that fetch would refuse to send, and the
 * figures each suite prints.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { paths, tokenUrl } from '../../../src/api/routes';
import { M } from '../../../src/controlPlane/members/records';
import { ControlPlane } from '../../controlPlane/helpers/controlPlane';

export const ORG = 'stark-industries';
export const PROJECT = 'default';
export const CONSUMER = 'stark-mobile-app';

export interface World {
  cp: ControlPlane;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

/** Creates the seed's organization, an external consumer with Generate Keys in Development, a service whose
 * endpoint points at `upstreamUrl` (when given), and a connection from the consumer to it. */
export async function seedWorld(cp: ControlPlane, upstreamUrl?: string): Promise<World> {
  const ok = async (method: string, p: string, body?: unknown) => {
    const res = await cp.call(method, p, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${p} → ${res.status} ${res.text}`);
    return res.body;
  };
  await ok('POST', paths.orgs(), { name: 'Stark Industries' });
  await ok('POST', paths.components(ORG, PROJECT), { displayName: 'Stark Mobile App', name: CONSUMER, type: 'external-consumer' });
  const keys = await ok('POST', `${paths.authFor(ORG, PROJECT, CONSUMER, 'development')}/generate-keys`);
  if (upstreamUrl) {
    await ok('POST', paths.components(ORG, PROJECT), {
      displayName: 'Greeting',
      name: 'greeting',
      type: 'service',
      endpoints: [{ name: 'hello', upstreamUrls: { development: upstreamUrl, production: upstreamUrl } }],
    });
    await ok('POST', paths.connections(ORG, PROJECT, CONSUMER), { name: 'Greeting', serviceComponentName: 'greeting', endpointName: 'hello' });
  }
  return { cp, clientId: keys.authConfiguration.clientId, clientSecret: keys.clientSecret, tokenUrl: tokenUrl(cp.url, ORG) };
}

/** The bytes of every file the store keeps (the lock and the running server's info are not data), less the audit
 * log: a refused write is recorded there by design (who tried what, and the answer), and nothing else may change. */
export function dataFingerprint(dataDir: string): string {
  const h = createHash('sha256');
  for (const name of fs.readdirSync(dataDir).sort()) {
    if (name === 'server.json' || name.includes('lock')) continue;
    const file = path.join(dataDir, name);
    if (!fs.statSync(file).isFile()) continue;
    h.update(name)
      .update('\0')
      .update(withoutAuditLog(name, fs.readFileSync(file)))
      .update('\0');
  }
  return h.digest('hex');
}

function withoutAuditLog(name: string, bytes: Buffer): Buffer | string {
  if (name === 'journal.jsonl') {
    // One batch a line (after its checksum); a batch of audit records only is dropped (its seq number goes with it: the later batches' seq
    // numbers are compared as they are).
    const lines = bytes.toString('utf8').split('\n');
    return lines.filter((l) => !isAuditBatch(l)).join('\n');
  }
  if (name === 'snapshot.json') {
    const snapshot = JSON.parse(bytes.toString('utf8')) as { collections?: Record<string, unknown> };
    if (snapshot.collections) delete snapshot.collections[M.audit];
    return JSON.stringify(snapshot);
  }
  return bytes;
}

function isAuditBatch(line: string): boolean {
  try {
    // "<checksum> <batch JSON>"
    const { ops } = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { ops: Array<{ collection: string }> };
    return ops.length > 0 && ops.every((o) => o.collection === M.audit);
  } catch {
    return false;
  }
}

/** Everything the management API lists, walked through every page, as one canonical string. */
export async function fullListing(cp: ControlPlane): Promise<string> {
  const get = async (p: string) => {
    const res = await cp.call('GET', p);
    assert.equal(res.status, 200, `GET ${p} → ${res.status} ${res.text}`);
    return res.body;
  };
  const all = async (p: string) => {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`${p}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const world: unknown[] = [];
  for (const org of await all(paths.orgs())) {
    world.push({ org, environments: await get(paths.environments(org.handle)), idps: await get(paths.identityProviders(org.handle)) });
    for (const project of await all(paths.projects(org.handle))) {
      world.push({ project });
      for (const c of await all(paths.components(org.handle, project.handle))) {
        world.push({ c });
        if (c.type !== 'external-consumer') continue;
        world.push({ auth: await get(paths.auth(org.handle, project.handle, c.name)) });
        world.push({ connections: await get(paths.connections(org.handle, project.handle, c.name)) });
      }
    }
  }
  return JSON.stringify(world);
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP exchange with exactly the bytes given (fetch refuses odd header values and normalizes paths). */
export function rawRequest(
  base: string,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string | number> = {},
  body?: Buffer | string,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  const url = new URL(base);
  // Control characters cannot travel in a header at all (Node's parser answers 400 before any route runs); the rest
  // of what was generated, non-ASCII bytes included, is sent as is.
  headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?') : v]));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${pathAndQuery} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (encodeURIComponent throws on those). */
export function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** Figures of a suite, printed in one block at its end so the run's log reads like the note. */
export function printFigures(title: string, figures: Record<string, string | number>): void {
  const lines = Object.entries(figures).map(([k, v]) => `    ${k.padEnd(50)} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
  console.log(`\n  [figures] ${title}\n${lines.join('\n')}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
