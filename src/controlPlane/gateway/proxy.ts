/**
 * Forwards a gateway call to the service's upstream: one keep-alive undici Pool per upstream origin, bodies streamed
 * both ways (never buffered), hop-by-hop headers dropped (RFC 9110 §7.6.1), X-Forwarded-* set, and upstream failures
 * answered as 502 (unreachable, broken) or 504 (too slow) with the management API's JSON error body.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';

export interface ProxyOptions {
  connectTimeoutMs?: number;
  /** Time until the upstream's response headers arrive: beyond it the caller gets 504. */
  headersTimeoutMs?: number;
  /** Longest silence while a body streams. */
  bodyTimeoutMs?: number;
  /** Connections per upstream origin. */
  connections?: number;
  /** Forward the caller's Authorization header. Off: the token authorized the call at the gateway, and an upstream
   * that never sees consumers' tokens cannot leak them. */
  forwardAuthorization?: boolean;
}

const DEFAULTS: Required<ProxyOptions> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  connections: 128,
  forwardAuthorization: false,
};

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Joins the upstream URL's own path with the rest of the gateway path and the query. */
export function upstreamPath(upstream: URL, rest: string, search: string): string {
  return joinPath(upstream.pathname.replace(/\/+$/, ''), upstream.search.replace(/^\?/, ''), rest, search);
}

/** `base` without trailing slashes, `query` without '?', `rest` as it came ('' or any path), `search` with '?'. */
function joinPath(base: string, query: string, rest: string, search: string): string {
  let path = rest === '' ? base : rest.charCodeAt(0) === 0x2f ? base + rest : `${base}/${rest}`;
  if (path === '') path = '/';
  const extra = search.length > 1 ? search.slice(1) : '';
  if (query === '') return extra === '' ? path : `${path}?${extra}`;
  return extra === '' ? `${path}?${query}` : `${path}?${query}&${extra}`;
}

function connectionTokens(value: string): Set<string> {
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

/** `Connection: keep-alive` and `close` name no other header; only other tokens need the list built. */
function namesOtherHeaders(connection: string): boolean {
  const v = connection.length <= 10 ? connection.toLowerCase() : '';
  return v !== 'keep-alive' && v !== 'close';
}

/**
 * The caller's headers as undici's flat [name, value, …] list, in one pass over rawHeaders (reading `req.headers`
 * would build an object for every call), and whether the caller sends a body.
 */
function forwardedRequest(req: IncomingMessage, forwardAuthorization: boolean): { headers: string[]; hasBody: boolean } {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let priorFor: string | undefined;
  let host: string | undefined;
  let connection: string | undefined;
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (HOP_BY_HOP.has(name)) {
      if (name === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
      else if (name === 'transfer-encoding') hasBody = true;
      continue;
    }
    if (name === 'host') {
      host ??= value;
      continue;
    }
    if (name.startsWith('x-forwarded-')) {
      if (name === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${value}` : value;
      continue;
    }
    if (name === 'authorization' && !forwardAuthorization) continue;
    if (name === 'content-length' && value !== '0') hasBody = true;
    out.push(raw[i], value);
  }
  if (connection !== undefined && namesOtherHeaders(connection)) {
    // Headers the caller named in Connection are for this hop only (RFC 9110 §7.6.1).
    const listed = connectionTokens(connection);
    for (let i = out.length - 2; i >= 0; i -= 2) if (listed.has(out[i].toLowerCase())) out.splice(i, 2);
    if (listed.has('x-forwarded-for')) priorFor = undefined;
  }
  const client = req.socket.remoteAddress ?? '';
  out.push('x-forwarded-for', priorFor ? `${priorFor}, ${client}` : client);
  out.push('x-forwarded-proto', (req.socket as TLSSocket).encrypted ? 'https' : 'http');
  if (host !== undefined) out.push('x-forwarded-host', host);
  return { headers: out, hasBody };
}

function responseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  const listed = connection !== undefined && namesOtherHeaders(String(connection)) ? connectionTokens(String(connection)) : undefined;
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

/** Writes a JSON error, unless the response has started (then the connection is cut so the caller sees it broke). */
export function sendGatewayError(res: ServerResponse, status: number, code: string, message: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

function mapUpstreamError(err: unknown, origin: string): { status: number; code: string; message: string } {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { status: 504, code: 'upstream_timeout', message: `The service at ${origin} did not answer in time.` };
  }
  if (code === 'ECONNREFUSED') {
    return { status: 502, code: 'upstream_unavailable', message: `The service at ${origin} refused the connection; is it running?` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { status: 502, code: 'upstream_unavailable', message: `The host of the service (${origin}) could not be found.` };
  }
  return { status: 502, code: 'upstream_failed', message: `The call to the service at ${origin} failed: ${(err as Error).message || code}.` };
}

/**
 * Streams one upstream answer into the caller's response. undici's dispatch API (rather than request/stream) keeps
 * the per-call cost to this object: no intermediate Readable, no AbortController; back-pressure by pause/resume.
 */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private finished = false;
  /** Body bytes still to come when the upstream announced a length; -1 when it did not. */
  private remaining = -1;

  constructor(
    private readonly res: ServerResponse,
    private readonly origin: string,
  ) {
    // If the caller goes away, stop the upstream exchange too.
    res.once('close', () => {
      if (!this.finished) {
        this.finished = true;
        this.controller?.abort(new Error('caller went away'));
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.finished) controller.abort(new Error('caller went away'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: Node answers 100-continue itself
    const length = headers['content-length'];
    if (typeof length === 'string' && this.res.req.method !== 'HEAD') this.remaining = Number(length);
    this.res.writeHead(statusCode, responseHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.finished) return;
    if (this.remaining > 0) {
      this.remaining -= chunk.length;
      if (this.remaining <= 0) {
        // The last chunk of a body of known length: headers and body leave in one write, and the caller has its
        // answer without waiting for undici's end-of-message callback.
        this.finished = true;
        this.res.end(chunk);
        return;
      }
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.finished) return;
    this.finished = true;
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.finished) return;
    this.finished = true;
    const { status, code, message } = mapUpstreamError(err, this.origin);
    sendGatewayError(this.res, status, code, message);
  }
}

/** An upstream origin's pool, and the path and query every call to it starts with. */
interface Upstream {
  origin: string;
  pool: Pool;
  /** The upstream URL's path without trailing slashes ('' for the root). */
  base: string;
  /** The upstream URL's own query, without '?' ('' when none). */
  query: string;
}

export class GatewayProxy {
  private readonly pools = new Map<string, Pool>();
  private readonly upstreams = new Map<string, Upstream>();
  private readonly opts: Required<ProxyOptions>;

  constructor(options: ProxyOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.opts.connections,
        connect: { timeout: this.opts.connectTimeoutMs },
        headersTimeout: this.opts.headersTimeoutMs,
        bodyTimeout: this.opts.bodyTimeoutMs,
        keepAliveTimeout: 30_000,
        pipelining: 1,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** The parsed upstream, kept per URL so a call parses nothing. */
  private upstream(url: string | URL): Upstream {
    const key = typeof url === 'string' ? url : url.href;
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      const parsed = typeof url === 'string' ? new URL(url) : url;
      upstream = {
        origin: parsed.origin,
        pool: this.pool(parsed.origin),
        base: parsed.pathname.replace(/\/+$/, ''),
        query: parsed.search.replace(/^\?/, ''),
      };
      if (this.upstreams.size >= 10_000) this.upstreams.clear(); // URLs of deleted services do not pile up
      this.upstreams.set(key, upstream);
    }
    return upstream;
  }

  /**
   * Sends `req` to `upstream` + `rest` (the part of the gateway path after the endpoint's prefix) and streams the
   * answer into `res`; answers 502/504 itself when the upstream fails. Never throws.
   */
  forward(req: IncomingMessage, res: ServerResponse, upstream: string | URL, rest: string, search: string): void {
    const u = this.upstream(upstream);
    const { headers, hasBody } = forwardedRequest(req, this.opts.forwardAuthorization);
    const opts: Dispatcher.DispatchOptions = {
      path: joinPath(u.base, u.query, rest, search),
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : null,
    };
    u.pool.dispatch(opts, new ForwardHandler(res, u.origin));
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.upstreams.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}
