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
  const base = upstream.pathname.replace(/\/+$/, '');
  const tail = rest ? (rest.startsWith('/') ? rest : `/${rest}`) : '';
  const path = `${base}${tail}` || '/';
  const query = [upstream.search.replace(/^\?/, ''), search.replace(/^\?/, '')].filter(Boolean).join('&');
  return query ? `${path}?${query}` : path;
}

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (!value) return undefined;
  const list = (Array.isArray(value) ? value.join(',') : value).split(',').map((t) => t.trim().toLowerCase());
  return new Set(list.filter(Boolean));
}

/** The caller's headers as undici's flat [name, value, …] list, straight from rawHeaders (no object built). */
function forwardedRequestHeaders(req: IncomingMessage, forwardAuthorization: boolean): string[] {
  const listed = connectionTokens(req.headers.connection);
  const raw = req.rawHeaders;
  const out: string[] = [];
  let priorFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || listed?.has(name) || name === 'host') continue;
    if (name.startsWith('x-forwarded-')) {
      if (name === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${raw[i + 1]}` : raw[i + 1];
      continue;
    }
    if (name === 'authorization' && !forwardAuthorization) continue;
    out.push(raw[i], raw[i + 1]);
  }
  const client = req.socket.remoteAddress ?? '';
  out.push('x-forwarded-for', priorFor ? `${priorFor}, ${client}` : client);
  out.push('x-forwarded-proto', (req.socket as TLSSocket).encrypted ? 'https' : 'http');
  if (req.headers.host) out.push('x-forwarded-host', req.headers.host);
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
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

  constructor(
    private readonly res: ServerResponse,
    private readonly origin: string,
    private readonly done: () => void,
  ) {
    // If the caller goes away, stop the upstream exchange too.
    res.once('close', () => {
      if (!this.finished) {
        this.finished = true;
        this.controller?.abort(new Error('caller went away'));
        done();
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.finished) controller.abort(new Error('caller went away'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: Node answers 100-continue itself
    this.res.writeHead(statusCode, responseHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.finished) return;
    this.finished = true;
    this.res.end();
    this.done();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.finished) return;
    this.finished = true;
    const { status, code, message } = mapUpstreamError(err, this.origin);
    sendGatewayError(this.res, status, code, message);
    this.done();
  }
}

export class GatewayProxy {
  private readonly pools = new Map<string, Pool>();
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

  /**
   * Sends `req` to `upstream` + `rest` (the part of the gateway path after the endpoint's prefix) and streams the
   * answer into `res`. Resolves when the exchange is over; never rejects.
   */
  forward(req: IncomingMessage, res: ServerResponse, upstream: URL, rest: string, search: string): Promise<void> {
    return new Promise<void>((done) => {
      const opts: Dispatcher.DispatchOptions = {
        path: upstreamPath(upstream, rest, search),
        method: req.method as Dispatcher.HttpMethod,
        headers: forwardedRequestHeaders(req, this.opts.forwardAuthorization),
        body: hasBody(req) ? req : null,
      };
      this.pool(upstream.origin).dispatch(opts, new ForwardHandler(res, upstream.origin, done));
    });
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}
