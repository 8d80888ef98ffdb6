/**
 * What the attack tests (issue 14) need below fetch: an upstream on a raw TCP socket that records every request it
 * reads off the wire (as a naive HTTP/1.1 server frames them), exchanges of exact bytes with the control plane, a
 * small OpenID provider whose tokens the test signs itself, and two organizations wired to that one upstream.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { paths, tokenUrl } from '../../../src/api/routes';
import { jose } from '../../../src/controlPlane/gateway/jose';
import type { ControlPlane } from '../../controlPlane/helpers/controlPlane';

export interface RecordedRequest {
  /** Which upstream connection it came on (1, 2, …). */
  connection: number;
  method: string;
  path: string;
  /** The request line as received. */
  line: string;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * A keep-alive HTTP/1.1 upstream on a raw socket: frames requests by Content-Length or chunked (none: no body), as
 * most servers do, answers them in order, each with `{"path":…,"connection":…}`; a path under /slow/ is answered
 * after 300 ms. Every request it reads is recorded, so a request smuggled inside another one's body shows up.
 */
export class RecordingUpstream {
  readonly requests: RecordedRequest[] = [];
  private server!: net.Server;
  private connections = 0;
  url = '';

  static async start(): Promise<RecordingUpstream> {
    const u = new RecordingUpstream();
    u.server = net.createServer((socket) => u.serve(socket));
    await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', r));
    u.url = `http://127.0.0.1:${(u.server.address() as net.AddressInfo).port}`;
    return u;
  }

  header(r: RecordedRequest, name: string): string | undefined {
    return r.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private serve(socket: net.Socket): void {
    const connection = ++this.connections;
    let buffer = Buffer.alloc(0);
    let answering = Promise.resolve();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseRequest(buffer);
        if (!parsed) return;
        if (parsed === 'bad') {
          socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
          return;
        }
        buffer = buffer.subarray(parsed.consumed);
        const request: RecordedRequest = { connection, ...parsed.request };
        this.requests.push(request);
        const body = JSON.stringify({ path: request.path, connection });
        const delay = request.path.startsWith('/slow/') ? 300 : 0;
        answering = answering.then(
          () =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                if (!socket.destroyed)
                  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
                resolve();
              }, delay),
            ),
        );
      }
    });
  }
}

function parseRequest(buffer: Buffer): { consumed: number; request: Omit<RecordedRequest, 'connection'> } | 'bad' | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return buffer.length > 64 * 1024 ? 'bad' : undefined;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const line = lines[0];
  const m = /^(\S+) (\S+) HTTP\/1\.[01]$/.exec(line);
  if (!m) return 'bad';
  const headers = lines.slice(1).map((l) => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()] as [string, string];
  });
  const get = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  let at = end + 4;
  let body = '';
  if (get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return 'bad';
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    body = Buffer.concat(chunks).toString('latin1');
  } else if (get('content-length') !== undefined) {
    const length = Number(get('content-length'));
    if (!Number.isInteger(length) || length < 0) return 'bad';
    if (buffer.length < at + length) return undefined;
    body = buffer.subarray(at, at + length).toString('latin1');
    at += length;
  }
  return { consumed: at, request: { method: m[1], path: m[2], line, headers, body } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

/**
 * Writes exactly `bytes` on a new connection and reads the first response (Content-Length, chunked or until close);
 * resolves status 0 when the connection closed with no answer.
 */
export function rawExchange(baseUrl: string, bytes: string | Buffer, opts: { timeoutMs?: number; headRequest?: boolean } = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    let buffer = Buffer.alloc(0);
    let done = false;
    const finish = (r: RawResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`no complete answer within ${opts.timeoutMs ?? 10_000} ms to ${JSON.stringify(bytes.toString().slice(0, 200))}`));
    }, opts.timeoutMs ?? 10_000);
    const tryParse = (closed: boolean) => {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (closed) finish({ status: 0, headers: {}, body: buffer.toString('latin1'), json: undefined });
        return;
      }
      const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const colon = l.indexOf(':');
        headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
      }
      const rest = buffer.subarray(end + 4);
      let body: string | undefined;
      if (opts.headRequest || status === 204 || status === 304) body = '';
      else if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        if (rest.length >= n) body = rest.subarray(0, n).toString('utf8');
      } else if (headers['transfer-encoding']?.includes('chunked')) {
        const text = rest.toString('latin1');
        if (text.includes('0\r\n\r\n')) body = text;
      } else if (closed) body = rest.toString('utf8');
      if (body === undefined) {
        if (closed) finish({ status, headers, body: rest.toString('utf8'), json: undefined });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      finish({ status, headers, body, json });
    };
    socket.on('data', (c) => {
      buffer = Buffer.concat([buffer, c]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    socket.on('error', () => tryParse(true));
    socket.write(bytes);
  });
}

/** A request head: the request line, Host (the control plane's own unless given), then the headers in order. */
export function head(method: string, target: string, baseUrl: string, headers: Array<[string, string]> = []): string {
  const host = headers.some(([n]) => n.toLowerCase() === 'host') ? [] : [['Host', new URL(baseUrl).host]];
  return `${method} ${target} HTTP/1.1\r\n${[...host, ...headers].map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

/** An OpenID provider of the test's own: discovery and JWKS over loopback, tokens signed here with its ES256 key. */
export class TestIssuer {
  jwksHits = 0;
  jwksDown = false;
  issuer = '';
  private server!: http.Server;
  private key!: CryptoKey;
  private jwk!: object;

  static async start(): Promise<TestIssuer> {
    const t = new TestIssuer();
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
    t.key = privateKey as CryptoKey;
    t.jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    t.server = http.createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ issuer: t.issuer, token_endpoint: `${t.issuer}/token`, jwks_uri: `${t.issuer}/jwks` }));
      }
      if (req.url === '/jwks') {
        t.jwksHits++;
        if (t.jwksDown) {
          res.statusCode = 500;
          return void res.end('down');
        }
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ keys: [t.jwk] }));
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    t.issuer = `http://127.0.0.1:${(t.server.address() as net.AddressInfo).port}`;
    return t;
  }

  get wellKnownUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`;
  }

  /** A token with these claims (iss, iat, exp added) and this `typ`. */
  sign(claims: Record<string, unknown>, typ: string | undefined = 'at+jwt'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ iss: this.issuer, iat: now, exp: now + 300, ...claims })
      .setProtectedHeader(typ === undefined ? { alg: 'ES256', kid: 'test-key' } : { alg: 'ES256', kid: 'test-key', typ })
      .sign(this.key);
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}

/** An organization with a service on the recording upstream (under /base/<service>), a consumer with built-in
 * keys in Development connected to it, and a token of that consumer. */
export interface OrgWorld {
  org: string;
  service: string;
  base: string;
  clientId: string;
  clientSecret: string;
  token: string;
  /** The gateway path of the service's endpoint in Development. */
  gw: string;
}

export async function seedOrg(cp: ControlPlane, name: string, service: string, upstreamUrl: string): Promise<OrgWorld> {
  const ok = async (method: string, p: string, body?: unknown) => {
    const res = await cp.call(method, p, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${p} → ${res.status} ${res.text}`);
    return res.body;
  };
  const { handle: org } = await ok('POST', paths.orgs(), { name });
  const base = `/base/${service}`;
  await ok('POST', paths.components(org, 'default'), {
    displayName: service,
    name: service,
    type: 'service',
    endpoints: [{ name: 'api', upstreamUrls: { development: `${upstreamUrl}${base}`, production: `${upstreamUrl}${base}` } }],
  });
  await ok('POST', paths.components(org, 'default'), { displayName: `${service} client`, name: `${service}-client`, type: 'external-consumer' });
  const keys = await ok('POST', `${paths.authFor(org, 'default', `${service}-client`, 'development')}/generate-keys`);
  await ok('POST', paths.connections(org, 'default', `${service}-client`), { name: 'Api', serviceComponentName: service, endpointName: 'api' });
  const clientId = keys.authConfiguration.clientId as string;
  const clientSecret = keys.clientSecret as string;
  return {
    org,
    service,
    base,
    clientId,
    clientSecret,
    token: await builtInToken(cp, org, clientId, clientSecret),
    gw: `/gw/${org}/default/${service}/api/development`,
  };
}

export async function builtInToken(cp: ControlPlane, org: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(tokenUrl(cp.url, org), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  assert.ok(body.access_token, `token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
