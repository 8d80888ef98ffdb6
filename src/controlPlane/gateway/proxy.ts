/**
 * Forwards a gateway call to the service's upstream over our own lean HTTP/1.1 client (./upstream/: a strict
 * incremental response parser, keep-alive connections, a pool per organization and upstream origin); undici's
 * per-call cost was most of the gateway's. Bodies are streamed both ways with back-pressure (never buffered), with
 * the framing the gateway decided; hop-by-hop headers dropped (RFC 9110 §7.6.1), X-Forwarded-* set (the caller's
 * Forwarded and X-Real-IP dropped), the path normalised (requestPath.ts), and upstream failures answered as 502
 * (unreachable, broken, malformed) or 504 (too slow) with the management API's JSON error body. A malformed or
 * ambiguous upstream response is never guessed at: the caller gets 502 and the upstream connection is destroyed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { UpstreamConnection, UpstreamExchange } from './upstream/connection';
import { normaliseRestPath, RequestPathRefused } from './requestPath';
import type { UpstreamNetwork } from './upstream/connector';
import { UpstreamPool } from './upstream/pool';

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
  /** Extra certificate authorities (PEM) trusted for `https:` upstreams, besides the system's. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** How upstream connections are opened and which addresses they may go to (the server's outbound rule). */
  network?: UpstreamNetwork;
}

const DEFAULTS: Required<Omit<ProxyOptions, 'ca' | 'network'>> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  connections: 128,
  forwardAuthorization: false,
};
type Settings = Required<Omit<ProxyOptions, 'ca' | 'network'>> & Pick<ProxyOptions, 'ca' | 'network'>;

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
  return joinPath(upstream.pathname.replace(/\/+$/, ''), upstream.search.replace(/^\?/, ''), normaliseRestPath(rest), search);
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
  return new Set(
    value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** `Connection: keep-alive` and `close` name no other header; only other tokens need the list built. */
function namesOtherHeaders(connection: string): boolean {
  const v = connection.length <= 10 ? connection.toLowerCase() : '';
  return v !== 'keep-alive' && v !== 'close';
}

/** Hop-by-hop names have these lengths; other names skip the lower-casing and the set lookup. */
function isHopByHop(name: string): boolean {
  const n = name.length;
  if (n !== 10 && n !== 2 && n !== 7 && n !== 17 && n !== 16 && n !== 18 && n !== 19) return false;
  return HOP_BY_HOP.has(name.toLowerCase());
}

/** What a call sends upstream besides its head: its body and how it is framed. */
interface RequestBody {
  body: Readable | null;
  chunked: boolean;
}

/** A call refused before anything went upstream: its framing or its path is not beyond doubt (400). */
export class RequestRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** Headers the gateway writes itself, or drops, whatever the caller sent: the forwarding headers are set from what the
 * gateway saw (X-Forwarded-*), and the ones an upstream might take the caller's word from (Forwarded, X-Real-IP,
 * X-JWT-Assertion: who called, which only the gateway may say) are not passed on. */
const SET_BY_GATEWAY = new Set(['host', 'content-length', 'forwarded', 'x-real-ip', 'x-jwt-assertion']);

/** What the gateway adds to one forwarded call. */
export interface ForwardExtras {
  /** The X-JWT-Assertion the upstream gets (callerAssertion.ts). */
  assertion?: string;
  /** Headers of the answer to the caller (CORS), as a flat list; also on the gateway's own error answers. */
  responseHeaders?: readonly string[];
}

/**
 * The request head for the upstream: the request line, `host` = the upstream's, the caller's headers in one pass
 * over rawHeaders (reading `req.headers` would build an object for every call) minus hop-by-hop ones and the token,
 * and X-Forwarded-*. Sets `into`'s body and framing.
 *
 * The framing is decided once, from what Node's parser did with the caller's request (it refuses a request with
 * both Content-Length and Transfer-Encoding, or with differing lengths), and written by the gateway itself: one
 * `content-length`, or the body re-chunked. A header that frames the body is never dropped: a request whose
 * Connection header names Content-Length or Transfer-Encoding is refused (dropping it turned the body into a second
 * request, smuggled past the gateway's checks), and so is a transfer coding other than chunked (the gateway would
 * pass the body on without it).
 */
function requestHead(req: IncomingMessage, forwardAuthorization: boolean, start: string, into: RequestBody, assertion: string | undefined): string {
  const raw = req.rawHeaders;
  let head = start;
  let priorFor: string | undefined;
  let host: string | undefined;
  let connection: string | undefined;
  let transferEncoding: string | undefined;
  let contentLength: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const n = name.length;
    // Names are compared lower-cased only at the lengths that can match.
    if (
      n === 4 ||
      n === 9 ||
      n === 13 ||
      n === 14 ||
      n === 2 ||
      n === 7 ||
      n === 10 ||
      (n >= 16 && n <= 19) ||
      (n >= 12 && (name.charCodeAt(0) | 0x20) === 0x78)
    ) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) {
        if (lower === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
        else if (lower === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
        continue;
      }
      if (SET_BY_GATEWAY.has(lower)) {
        if (lower === 'host') host ??= value;
        else if (lower === 'content-length') contentLength ??= value;
        continue;
      }
      if (lower.startsWith('x-forwarded-')) {
        if (lower === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${value}` : value;
        continue;
      }
      if (lower === 'authorization' && !forwardAuthorization) continue;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (transferEncoding !== undefined && transferEncoding.trim().toLowerCase() !== 'chunked') {
    throw new RequestRefused(`The gateway takes request bodies sent plainly or with Transfer-Encoding: chunked, not "${transferEncoding.slice(0, 40)}".`);
  }
  if (connection !== undefined && namesOtherHeaders(connection)) {
    // Headers the caller named in Connection are for this hop only (RFC 9110 §7.6.1): rare, so rebuilt here.
    const listed = connectionTokens(connection);
    if (listed.has('content-length') || listed.has('transfer-encoding')) {
      throw new RequestRefused(
        'The Connection header names a header that frames the request body (Content-Length or Transfer-Encoding); the gateway does not pass such a request on.',
      );
    }
    if (listed.has('x-forwarded-for')) priorFor = undefined;
    head = start;
    for (let i = 0; i < raw.length; i += 2) {
      const lower = raw[i].toLowerCase();
      if (HOP_BY_HOP.has(lower) || listed.has(lower) || SET_BY_GATEWAY.has(lower) || lower.startsWith('x-forwarded-')) continue;
      if (lower === 'authorization' && !forwardAuthorization) continue;
      head += `${raw[i]}: ${raw[i + 1]}\r\n`;
    }
  }
  const chunked = transferEncoding !== undefined;
  if (!chunked && contentLength !== undefined) head += `content-length: ${contentLength}\r\n`;
  const client = req.socket.remoteAddress ?? '';
  head += `x-forwarded-for: ${priorFor ? `${priorFor}, ${client}` : client}\r\nx-forwarded-proto: ${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}\r\n`;
  if (host !== undefined) head += `x-forwarded-host: ${host}\r\n`;
  if (assertion !== undefined) head += `x-jwt-assertion: ${assertion}\r\n`;
  into.body = chunked || (contentLength !== undefined && contentLength !== '0') ? req : null;
  into.chunked = chunked;
  return `${head}\r\n`;
}

/** The upstream's response headers for the caller, as the flat list writeHead takes, hop-by-hop ones dropped, and
 * the gateway's own (`extra`) added. The gateway answers CORS from the endpoint's setting: an upstream's
 * Access-Control-Allow-* and -Max-Age are dropped, so a disallowed origin never gets them from the service either. */
function responseHeaders(headers: string[], connection: string, extra: readonly string[] | undefined): string[] {
  const listed = connection !== '' && namesOtherHeaders(connection) ? connectionTokens(connection) : undefined;
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (isHopByHop(name) || (listed !== undefined && listed.has(name.toLowerCase())) || isCorsAnswer(name)) continue;
    out.push(name, headers[i + 1]);
  }
  if (extra !== undefined) for (let i = 0; i < extra.length; i++) out.push(extra[i]);
  return out;
}

/** access-control-allow-{origin,credentials,methods,headers} and access-control-max-age (lengths 22 to 32). */
function isCorsAnswer(name: string): boolean {
  if (name.length < 22 || name.length > 32 || (name.charCodeAt(0) | 0x20) !== 0x61) return false;
  const lower = name.toLowerCase();
  return lower.startsWith('access-control-allow-') || lower === 'access-control-max-age';
}

const headerObject = (list: readonly string[] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  if (list !== undefined) for (let i = 0; i < list.length; i += 2) out[list[i]] = out[list[i]] === undefined ? list[i + 1] : `${out[list[i]]}, ${list[i + 1]}`;
  return out;
};

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
  if (code === 'UPSTREAM_HEADERS_TIMEOUT' || code === 'UPSTREAM_CONNECT_TIMEOUT' || code === 'UPSTREAM_BODY_TIMEOUT') {
    return { status: 504, code: 'upstream_timeout', message: `The service at ${origin} did not answer in time.` };
  }
  if (code === 'CALLER_BODY_TIMEOUT') {
    return {
      status: 408,
      code: 'request_timeout',
      message: `The request body stopped arriving before it was complete, so the call to the service at ${origin} was given up.`,
    };
  }
  if (code === 'OUTBOUND_REFUSED') {
    // The outbound rule: the message names the address, the rule and the operator's flag.
    return { status: 502, code: 'upstream_refused', message: `The gateway does not call the service at ${origin}: ${(err as Error).message}` };
  }
  if (code === 'ECONNREFUSED') {
    return { status: 502, code: 'upstream_unavailable', message: `The service at ${origin} refused the connection; is it running?` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { status: 502, code: 'upstream_unavailable', message: `The host of the service (${origin}) could not be found.` };
  }
  return { status: 502, code: 'upstream_failed', message: `The call to the service at ${origin} failed: ${(err as Error).message || code}.` };
}

const kForward = Symbol('gateway.forward');
/** A caller's socket, with the call it is waiting on (null between calls), so one 'close' listener serves them all. */
type CallerSocket = Socket & { [kForward]?: Forward | null };

/** The caller's connection closed: stop its call upstream too. A plain function, so no call makes a closure. */
function onCallerClose(this: CallerSocket): void {
  const forward = this[kForward];
  this[kForward] = null;
  forward?.callerGone();
}

/** One gateway call: what the upstream connection sends, and where its answer goes. */
class Forward implements UpstreamExchange, RequestBody {
  head = '';
  body: Readable | null = null;
  chunked = false;
  retried = false;
  cancelled = false;
  connection: UpstreamConnection | undefined = undefined;
  readonly isHeadRequest: boolean;
  private finished = false;
  private waitingForDrain = false;
  private onDrain: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly caller: CallerSocket,
    private readonly origin: string,
    method: string,
    private readonly extra: readonly string[] | undefined,
  ) {
    this.isHeadRequest = method === 'HEAD';
  }

  onUpstreamHead(status: number, headers: string[], connection: string): void {
    if (this.finished) return;
    try {
      this.res.writeHead(status, responseHeaders(headers, connection, this.extra));
    } catch (err) {
      // Node refused a header (a character it will not send): no half-answer, and the connection is not trusted.
      this.connection?.abort();
      this.fail(
        502,
        'upstream_failed',
        `The call to the service at ${this.origin} failed: its response has a header the gateway cannot pass on (${(err as Error).message}).`,
      );
    }
  }

  onUpstreamBody(chunk: Buffer): boolean {
    if (this.finished || this.res.write(chunk)) return true;
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.res.once(
        'drain',
        (this.onDrain ??= () => {
          this.waitingForDrain = false;
          this.connection?.resumeResponse();
        }),
      );
    }
    return false;
  }

  onUpstreamEnd(last: Buffer | undefined): void {
    if (this.finished) return;
    this.done();
    // The last bytes of a body of known length leave with res.end: headers and body in one write.
    if (last !== undefined) this.res.end(last);
    else this.res.end();
  }

  onUpstreamError(err: Error): void {
    if (this.finished) return;
    const { status, code, message } = mapUpstreamError(err, this.origin);
    this.fail(status, code, message);
  }

  callerGone(): void {
    if (this.finished) return;
    this.done();
    this.cancelled = true;
    this.connection?.abort();
  }

  private fail(status: number, code: string, message: string): void {
    this.done();
    sendGatewayError(this.res, status, code, message, headerObject(this.extra));
  }

  private done(): void {
    this.finished = true;
    if (this.caller[kForward] === this) this.caller[kForward] = null;
  }
}

/** An upstream origin's pool, and the path and query every call to it starts with. */
interface Upstream {
  origin: string;
  pool: UpstreamPool;
  /** The Host header the upstream gets. */
  host: string;
  /** The upstream URL's path without trailing slashes ('' for the root). */
  base: string;
  /** The upstream URL's own query, without '?' ('' when none). */
  query: string;
}

/**
 * Pools are kept per organization and upstream origin: a connection to an upstream carries calls of one organization
 * only. The gateway's framing is strict (above), but an upstream's own reading of a request is not the gateway's to
 * vouch for, so a desync there can at worst mix up calls of the organization that caused it, never hand one
 * organization's answer to another's caller.
 */
export class GatewayProxy {
  private readonly pools = new Map<string, UpstreamPool>();
  /** partition (organization) → upstream URL → its parsed form. */
  private readonly upstreams = new Map<string, Map<string, Upstream>>();
  private readonly opts: Settings;

  constructor(options: ProxyOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  private pool(url: URL, partition: string): UpstreamPool {
    const key = `${partition}\n${url.origin}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') throw new Error(`the gateway forwards only to http: and https: services, not ${url.protocol}`);
      pool = new UpstreamPool(
        {
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
          tls: secure,
          ca: this.opts.ca,
        },
        {
          limit: this.opts.connections,
          connectTimeoutMs: this.opts.connectTimeoutMs,
          headersTimeoutMs: this.opts.headersTimeoutMs,
          bodyTimeoutMs: this.opts.bodyTimeoutMs,
          network: this.opts.network,
        },
      );
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** The parsed upstream, kept per partition and URL so a call parses nothing. */
  private upstream(url: string | URL, partition: string): Upstream {
    const key = typeof url === 'string' ? url : url.href;
    let byUrl = this.upstreams.get(partition);
    if (byUrl === undefined) {
      if (this.upstreams.size >= 10_000) this.upstreams.clear(); // organizations deleted do not pile up
      this.upstreams.set(partition, (byUrl = new Map()));
    }
    let upstream = byUrl.get(key);
    if (!upstream) {
      const parsed = typeof url === 'string' ? new URL(url) : url;
      upstream = {
        origin: parsed.origin,
        pool: this.pool(parsed, partition),
        host: parsed.host,
        base: parsed.pathname.replace(/\/+$/, ''),
        query: parsed.search.replace(/^\?/, ''),
      };
      if (byUrl.size >= 10_000) byUrl.clear(); // URLs of deleted services do not pile up
      byUrl.set(key, upstream);
    }
    return upstream;
  }

  /** Open connections per upstream origin and partition (for tests and figures). */
  stats(origin: string, partition = ''): { open: number; idle: number; waiting: number; opened: number } | undefined {
    const pool = this.pools.get(`${partition}\n${origin}`);
    return pool && { ...pool.stats(), opened: pool.opened };
  }

  /**
   * Sends `req` to `upstream` + `rest` (the part of the gateway path after the endpoint's prefix, normalised by
   * requestPath.ts) and streams the answer into `res`; answers 400 itself for a path or framing it will not pass on,
   * and 502/504 when the upstream fails. `partition` (the organization) picks the connection pool. Never throws.
   */
  forward(req: IncomingMessage, res: ServerResponse, upstream: string | URL, rest: string, search: string, partition = '', extras?: ForwardExtras): void {
    let u: Upstream;
    try {
      u = this.upstream(upstream, partition);
    } catch (err) {
      return sendGatewayError(
        res,
        502,
        'upstream_failed',
        `The service's upstream URL cannot be used: ${(err as Error).message}.`,
        headerObject(extras?.responseHeaders),
      );
    }
    const caller = req.socket as CallerSocket;
    if (caller.destroyed) return; // the caller has already gone
    const method = req.method ?? 'GET';
    const forward = new Forward(res, caller, u.origin, method, extras?.responseHeaders);
    try {
      const path = joinPath(u.base, u.query, normaliseRestPath(rest), search);
      forward.head = requestHead(req, this.opts.forwardAuthorization, `${method} ${path} HTTP/1.1\r\nhost: ${u.host}\r\n`, forward, extras?.assertion);
    } catch (err) {
      if (!(err instanceof RequestRefused || err instanceof RequestPathRefused)) throw err;
      // The body, if any, is not read: the connection closes after the answer, so nothing of it is taken for a request.
      return sendGatewayError(res, 400, 'invalid_request', err.message, { ...headerObject(extras?.responseHeaders), connection: 'close' });
    }
    const current = caller[kForward];
    if (current === undefined) {
      caller.on('close', onCallerClose);
      caller[kForward] = forward;
    } else if (current === null) {
      caller[kForward] = forward;
    } else {
      // A pipelined call while another is in flight on the same caller connection (rare): its own listener.
      res.once('close', () => forward.callerGone());
    }
    u.pool.dispatch(forward);
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.upstreams.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}
