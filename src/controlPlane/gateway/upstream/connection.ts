/**
 * One connection to an upstream: writes a request (head in one write, then the body with back-pressure), streams its
 * response through the connection's ResponseParser to the exchange, and decides whether the connection may carry
 * another request. Listeners and the timer are made once per connection, not per call.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import type { UpstreamNetwork } from './connector';
import { UpstreamError } from './errors';
import { ResponseParser, type ResponseEvents } from './responseParser';

/** Where a pool's connections go. */
export interface UpstreamTarget {
  /** Host name or IP address to connect to (IPv6 without brackets). */
  hostname: string;
  port: number;
  tls: boolean;
  /** Extra certificate authorities to trust for `https:` upstreams (besides the system's). */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** One gateway call as a connection sees it. The proxy implements it; the methods are its only callbacks. */
export interface UpstreamExchange {
  /** The request head, ending with the empty line. */
  readonly head: string;
  /** The request body to stream after the head, or null. */
  readonly body: Readable | null;
  /** Re-chunk the body (the caller sent it chunked); otherwise it goes as is, under the caller's Content-Length. */
  readonly chunked: boolean;
  readonly isHeadRequest: boolean;
  /** Set once the pool has retried the call, which it does at most once. */
  retried: boolean;
  /** The caller went away: whoever holds the exchange drops it. */
  cancelled: boolean;
  /** The connection carrying the call, for pausing and cutting it. */
  connection: UpstreamConnection | undefined;
  onUpstreamHead(status: number, headers: string[], connection: string): void;
  /** Returns false when the caller cannot take more now; the exchange then calls `connection.resumeResponse()`. */
  onUpstreamBody(chunk: Buffer): boolean;
  onUpstreamEnd(last: Buffer | undefined): void;
  onUpstreamError(err: Error): void;
}

/** What a connection needs from its pool. */
export interface ConnectionOwner {
  /** How connections are opened, under which address rule. */
  readonly network: UpstreamNetwork;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** The response is complete and the connection may carry another call. */
  released(connection: UpstreamConnection): void;
  /** The connection is gone. */
  closed(connection: UpstreamConnection): void;
  /** Send the call again on a new connection (the reused one was closed by the upstream as we wrote). */
  retry(exchange: UpstreamExchange): void;
}

/** Idle expiry when the upstream does not say (Node's own servers keep idle sockets 5 s). */
const DEFAULT_IDLE_MS = 4_000;
/** Leave an idle connection this long before the upstream's announced time-out, so we never write as it closes. */
const IDLE_MARGIN_MS = 1_000;

/**
 * The head is built with `+=`, a rope of strings; writing a rope as latin1 costs ~3 µs more per call under load than
 * writing a flat string (measured with wrk). Reading a character flattens it in V8. latin1, not utf8: header values
 * come from Node's parser as latin1 strings, and must go out as the same bytes.
 */
function flat(head: string): string {
  head.charCodeAt(0);
  return head;
}

/**
 * Plain TCP connections read into this one buffer through net's `onread` option, which hands each read to a callback
 * without the stream machinery of 'data' events (~2 µs less per call under load, measured with wrk). One buffer serves
 * every connection: the callback runs synchronously after each read and copies what it got before returning, so the
 * next read may overwrite it. TLS sockets keep 'data' events.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class UpstreamConnection implements ResponseEvents {
  readonly socket: net.Socket;
  private readonly parser = new ResponseParser(this);
  private exchange: UpstreamExchange | undefined;
  /** Calls this connection has completed: above 0 the socket is a reused one. */
  private served = 0;
  private connected = false;
  private headReceived = false;
  private destroyed = false;
  /** The response is paused for a slow caller: no body time-out runs meanwhile. */
  private paused = false;
  /** A request body is still being sent. */
  private body: Readable | null = null;
  /** The request body is paused because the upstream is not taking more (its socket's buffer is full). */
  private bodyWaitsForUpstream = false;
  private chunked = false;
  /** When the current wait (connect, headers, body silence) times out, or the idle connection expires. */
  deadline = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;

  constructor(
    private readonly owner: ConnectionOwner,
    target: UpstreamTarget,
  ) {
    const network = owner.network;
    const socket = network.connect({
      host: target.hostname,
      port: target.port,
      tls: target.tls,
      lookup: network.lookup,
      servername: target.tls && net.isIP(target.hostname) === 0 ? target.hostname : undefined,
      ca: !target.tls || target.ca === undefined ? undefined : [...tls.rootCertificates, ...(Array.isArray(target.ca) ? target.ca : [target.ca])],
      onread: target.tls ? undefined : { buffer: READ_BUFFER, callback: this.onRead },
    });
    socket.setNoDelay(true);
    socket.once(target.tls ? 'secureConnect' : 'connect', this.onConnect);
    if (target.tls) socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('drain', this.onSocketDrain);
    this.socket = socket;
    this.arm(Date.now() + owner.connectTimeoutMs);
  }

  /** Whether the connection may take a call now (idle, open, not expired). */
  usable(now: number): boolean {
    return !this.destroyed && this.exchange === undefined && this.deadline > now;
  }

  /** Sends a call: the head in one write, then the body if any. */
  send(exchange: UpstreamExchange): void {
    this.exchange = exchange;
    exchange.connection = this;
    this.headReceived = false;
    this.paused = false;
    this.parser.expect(exchange.isHeadRequest);
    const now = Date.now();
    if (exchange.body === null) {
      this.socket.write(flat(exchange.head), 'latin1');
      this.arm(now + (this.connected ? this.owner.headersTimeoutMs : this.owner.connectTimeoutMs));
      return;
    }
    this.chunked = exchange.chunked;
    this.socket.write(flat(exchange.chunked ? `${exchange.head.slice(0, -2)}transfer-encoding: chunked\r\n\r\n` : exchange.head), 'latin1');
    this.arm(now + (this.connected ? this.owner.bodyTimeoutMs : this.owner.connectTimeoutMs));
    const body = exchange.body;
    if (body.readableEnded) return this.onBodyEnd();
    this.body = body;
    body.on('data', this.onBodyData);
    body.on('end', this.onBodyEnd);
  }

  /** The caller drained: read the upstream again. */
  resumeResponse(): void {
    if (!this.paused || this.destroyed) return;
    this.paused = false;
    this.arm(Date.now() + this.owner.bodyTimeoutMs);
    this.socket.resume();
  }

  /** Drops the call and the connection (the caller went away, or its answer could not be passed on). */
  abort(): void {
    this.exchange = undefined;
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.parser.kill();
    this.stopBody();
    this.socket.destroy();
  }

  // ResponseEvents: the parser's reports, passed on to the exchange.

  onResponseHead(parser: ResponseParser): void {
    this.headReceived = true;
    const exchange = this.exchange!;
    this.arm(Date.now() + this.owner.bodyTimeoutMs);
    exchange.onUpstreamHead(parser.status, parser.headers, parser.connection);
  }

  onResponseBody(chunk: Buffer): void {
    const exchange = this.exchange;
    if (exchange === undefined) return;
    this.deadline = Date.now() + this.owner.bodyTimeoutMs;
    if (!exchange.onUpstreamBody(chunk) && !this.destroyed) {
      this.paused = true;
      this.deadline = Infinity;
      this.socket.pause();
    }
  }

  onResponseEnd(last: Buffer | undefined): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.served++;
    const parser = this.parser;
    // An answer that came before the request body was all sent leaves the upstream's view of the stream unknown.
    const reusable = parser.keepAlive && this.body === null && !this.destroyed;
    if (reusable) {
      const announced = parser.keepAliveTimeout;
      this.deadline = Date.now() + (announced >= 0 ? announced * 1000 - IDLE_MARGIN_MS : DEFAULT_IDLE_MS);
    }
    exchange?.onUpstreamEnd(last);
    if (reusable && !this.destroyed) this.owner.released(this);
    else this.destroy();
  }

  onResponseError(message: string): void {
    this.fail(new UpstreamError('UPSTREAM_MALFORMED', `the response was malformed: ${message}`));
  }

  // Socket events; arrow fields so each connection binds them once.

  private readonly onConnect = (): void => {
    this.connected = true;
    // From now on the wait is for the headers, or, while a request body streams, for its next bytes.
    if (this.exchange !== undefined) this.arm(Date.now() + (this.body === null ? this.owner.headersTimeoutMs : this.owner.bodyTimeoutMs));
  };

  private readonly onData = (buf: Buffer): void => {
    if (this.exchange === undefined) {
      // Bytes when no response is expected: the stream is out of step, so nothing more is trusted on it.
      this.destroy();
      return;
    }
    this.parser.feed(buf);
  };

  /** Returns true: back-pressure pauses the socket itself (onResponseBody), not through this return value. */
  private readonly onRead = (length: number, buffer: Uint8Array): boolean => {
    this.onData(Buffer.from(buffer.subarray(0, length)));
    return true;
  };

  private readonly onEnd = (): void => {
    if (this.exchange !== undefined && !this.parser.finish()) {
      this.fail(
        new UpstreamError(
          'UPSTREAM_CLOSED',
          this.parser.received === 0
            ? 'the service closed the connection without answering'
            : 'the service closed the connection before its answer was complete',
        ),
      );
    }
    this.destroy();
  };

  private readonly onError = (err: Error): void => {
    this.fail(err);
  };

  private readonly onClose = (): void => {
    this.destroyed = true;
    this.parser.kill();
    this.stopBody();
    if (this.exchange !== undefined) this.fail(new UpstreamError('UPSTREAM_CLOSED', 'the connection to the service closed'));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.owner.closed(this);
  };

  private readonly onBodyData = (chunk: Buffer): void => {
    const socket = this.socket;
    let ok: boolean;
    if (this.chunked) {
      if (chunk.length === 0) return; // a zero-size chunk would end the body
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      ok = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else {
      ok = socket.write(chunk);
    }
    if (!this.headReceived) this.deadline = Date.now() + this.owner.bodyTimeoutMs;
    if (!ok) {
      this.bodyWaitsForUpstream = true;
      this.body?.pause();
    }
  };

  private readonly onBodyEnd = (): void => {
    if (this.chunked) this.socket.write('0\r\n\r\n', 'latin1');
    this.stopBody();
    if (!this.headReceived && this.exchange !== undefined) this.arm(Date.now() + this.owner.headersTimeoutMs);
  };

  private readonly onSocketDrain = (): void => {
    this.bodyWaitsForUpstream = false;
    this.body?.resume();
  };

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.destroyed) return;
    const now = Date.now();
    if (now < this.deadline) {
      this.arm(this.deadline);
      return;
    }
    if (this.exchange === undefined) {
      this.destroy(); // idle too long
      return;
    }
    if (!this.connected) this.fail(new UpstreamError('UPSTREAM_CONNECT_TIMEOUT', 'connecting timed out'));
    else if (!this.headReceived && this.body === null) this.fail(new UpstreamError('UPSTREAM_HEADERS_TIMEOUT', 'the response headers did not arrive in time'));
    else if (!this.headReceived && this.body !== null && !this.bodyWaitsForUpstream) {
      // The upstream was ready for more of the request body, and the caller sent none.
      this.fail(new UpstreamError('CALLER_BODY_TIMEOUT', 'the request body stopped arriving'));
    } else this.fail(new UpstreamError('UPSTREAM_BODY_TIMEOUT', 'the body went silent for too long'));
  };

  /** Sets the deadline; re-arms the timer only when it would fire too late (a later deadline is checked when it fires). */
  private arm(deadline: number): void {
    this.deadline = deadline;
    if (deadline === Infinity || (this.timer !== undefined && this.timerAt <= deadline)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.onTimer, Math.max(1, deadline - Date.now()));
    this.timer.unref();
  }

  private stopBody(): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    this.bodyWaitsForUpstream = false;
    body.off('data', this.onBodyData);
    body.off('end', this.onBodyEnd);
    body.resume(); // if the socket had paused it; what is left is Node's to discard
  }

  private fail(err: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    const retry =
      exchange !== undefined &&
      this.served > 0 &&
      !exchange.retried &&
      exchange.body === null &&
      this.parser.received === 0 &&
      !(err instanceof UpstreamError && err.code !== 'UPSTREAM_CLOSED');
    this.destroy();
    if (exchange === undefined || exchange.cancelled) return;
    if (retry) {
      // The upstream closed the idle socket as we wrote on it: the call never reached it, so it is safe to resend.
      exchange.retried = true;
      exchange.connection = undefined;
      this.owner.retry(exchange);
    } else {
      exchange.onUpstreamError(err);
    }
  }
}
