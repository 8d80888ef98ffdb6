/**
 * An incremental, strict HTTP/1.1 response parser (RFC 9112) for the gateway's upstream connections: it is fed the
 * socket's Buffers split anywhere and reports the head, the body bytes and the end of each response. Anything
 * ambiguous (bad framing, smuggling-shaped headers, oversized sections) is an error, because a proxy that guesses
 * differently from the next hop is how responses get desynchronised. One parser lives per connection and is reused
 * for every response on it, so a call allocates only the header list and the strings it must hand on.
 */

/** The header section's limit, status line included. */
export const HEAD_LIMIT = 16 * 1024;
const TRAILER_LIMIT = 16 * 1024;
/** A chunk-size line, extensions included. */
const CHUNK_LINE_LIMIT = 4 * 1024;
/** 13 hex digits stay below 2^52: a size that is still an exact JS number. */
const CHUNK_SIZE_DIGITS = 13;
/** 15 decimal digits stay below Number.MAX_SAFE_INTEGER. */
const LENGTH_DIGITS = 15;

/** What the parser reports to its connection. Methods, not callbacks, so a call creates no closures. */
export interface ResponseEvents {
  /** A final (non-1xx) response head: read status, headers and framing from the parser. */
  onResponseHead(parser: ResponseParser): void;
  /** Body bytes (chunked framing removed); the Buffer is a view of the socket's, valid until it is consumed. */
  onResponseBody(chunk: Buffer): void;
  /** The response is complete. `last` is its final body bytes when they came with the end (length framing). */
  onResponseEnd(last: Buffer | undefined): void;
  /** The response is malformed; the connection must be destroyed. `message` says what was wrong. */
  onResponseError(message: string): void;
}

// Parser states.
const IDLE = 0;
const HEAD = 1;
const BODY_LENGTH = 2;
const BODY_UNTIL_CLOSE = 3;
const CHUNK_SIZE = 4;
const CHUNK_SIZE_WS = 5;
const CHUNK_EXT = 6;
const CHUNK_SIZE_LF = 7;
const CHUNK_DATA = 8;
const CHUNK_DATA_CR = 9;
const CHUNK_DATA_LF = 10;
const TRAILER_NAME = 11;
const TRAILER_VALUE = 12;
const TRAILER_LF = 13;
const DEAD = 14;

/** `remaining` after a head framed by Transfer-Encoding: chunked (-1 means no framing at all). */
const CHUNKED = -2;

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** tchar (RFC 9110 §5.6.2), indexed by char code. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

/** Hex digit values, -1 for anything else. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** A field value character: visible ASCII, SP, HTAB or obs-text; never CR, LF, NUL or another control. */
function badValueChar(c: number): boolean {
  return (c < 0x20 && c !== 0x09) || c === 0x7f;
}

export class ResponseParser {
  /** The status code of the response being read. */
  status = 0;
  /** Its header fields as a flat [name, value, …] list, names as the upstream spelled them. */
  headers: string[] = [];
  /** The Connection field's value ('' when absent), for the caller to drop the headers it lists. */
  connection = '';
  /** Whether the connection may carry another request after this response (its own framing allowing). */
  keepAlive = false;
  /** `Keep-Alive: timeout=N` in seconds; -1 when the upstream did not say. */
  keepAliveTimeout = -1;
  /** Bytes arrived after the response ended, in the same read: the connection must not be reused. */
  extraBytes = false;
  /** Response bytes received since `expect` (0: the upstream has said nothing yet). */
  received = 0;

  private state = IDLE;
  private isHeadRequest = false;
  /** Part of a head that has not fully arrived. */
  private pending: Buffer | undefined;
  /** Body bytes still to come (length framing) or left of the current chunk. */
  private remaining = 0;
  private digits = 0;
  /** Bytes of the current chunk-size line or of the trailer section so far. */
  private lineBytes = 0;
  private lineEmpty = true;

  constructor(private readonly events: ResponseEvents) {}

  /** A request has been sent: the next bytes are its response. */
  expect(isHeadRequest: boolean): void {
    this.state = HEAD;
    this.isHeadRequest = isHeadRequest;
    this.received = 0;
    this.extraBytes = false;
    this.pending = undefined;
  }

  /** Whether a response is being read (or awaited). */
  get busy(): boolean {
    return this.state !== IDLE && this.state !== DEAD;
  }

  /** Stops parsing: later bytes are ignored. */
  kill(): void {
    this.state = DEAD;
    this.pending = undefined;
  }

  /**
   * The upstream closed its side. Ends a body that runs until close and returns true; returns false when a response
   * was awaited or cut short (the connection reports that as a closed connection, not as a malformed response).
   */
  finish(): boolean {
    if (this.state === BODY_UNTIL_CLOSE) {
      this.state = IDLE;
      this.events.onResponseEnd(undefined);
      return true;
    }
    if (this.state === IDLE) return true;
    this.state = DEAD;
    return false;
  }

  feed(buf: Buffer): void {
    if (this.state === DEAD) return;
    this.received += buf.length;
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      const state = this.state;
      if (state === HEAD) {
        pos = this.readHead(buf, pos);
        if (pos < 0) return;
      } else if (state === BODY_LENGTH) {
        const avail = len - pos;
        if (avail < this.remaining) {
          this.remaining -= avail;
          this.events.onResponseBody(pos === 0 ? buf : buf.subarray(pos));
          return;
        }
        const end = pos + this.remaining;
        this.remaining = 0;
        this.complete(buf.subarray(pos, end), end < len);
        return;
      } else if (state === BODY_UNTIL_CLOSE) {
        this.events.onResponseBody(pos === 0 ? buf : buf.subarray(pos));
        return;
      } else if (state === CHUNK_DATA) {
        const take = Math.min(len - pos, this.remaining);
        this.remaining -= take;
        const chunk = buf.subarray(pos, pos + take);
        pos += take;
        if (this.remaining === 0) this.state = CHUNK_DATA_CR;
        this.events.onResponseBody(chunk);
        if (this.state === DEAD) return;
      } else if (state === IDLE || state === DEAD) {
        if (state === IDLE) this.fail('the upstream sent bytes when no response was expected');
        return;
      } else {
        pos = this.readChunkFraming(buf, pos);
        if (pos < 0) return;
      }
    }
  }

  /** Reads (part of) a head from `buf` at `pos`; returns where the body starts, or -1 when all was consumed. */
  private readHead(buf: Buffer, pos: number): number {
    let source = buf;
    let start = pos;
    let from = pos;
    if (this.pending !== undefined) {
      // A head split across reads (rare): join what we have, and resume the search just before the new bytes.
      from = Math.max(0, this.pending.length - 3);
      source = Buffer.concat([this.pending, pos === 0 ? buf : buf.subarray(pos)]);
      start = 0;
      this.pending = undefined;
    }
    const end = source.indexOf(HEAD_END, from);
    if (end < 0 || end - start > HEAD_LIMIT) {
      if (source.length - start > HEAD_LIMIT) {
        this.fail(`the response's header section is larger than ${HEAD_LIMIT / 1024} KiB`);
        return -1;
      }
      this.pending = source === buf ? Buffer.from(buf.subarray(start)) : source;
      return -1;
    }
    const problem = this.parseHead(source.toString('latin1', start, end));
    if (problem !== undefined) {
      this.fail(problem);
      return -1;
    }
    // Where the rest starts in `buf` (the joined copy holds the earlier reads' bytes first).
    const next = source === buf ? end + 4 : buf.length - (source.length - (end + 4));
    return this.afterHead(buf, next);
  }

  /** Parses the status line and fields; returns what is malformed, or undefined. */
  private parseHead(s: string): string | undefined {
    const len = s.length;
    let eol = s.indexOf('\r\n');
    if (eol < 0) eol = len;
    if (
      eol < 12 ||
      s.charCodeAt(0) !== 0x48 || // H
      !s.startsWith('HTTP/1.') ||
      (s.charCodeAt(7) !== 0x31 && s.charCodeAt(7) !== 0x30) ||
      s.charCodeAt(8) !== 0x20 ||
      (eol > 12 && s.charCodeAt(12) !== 0x20)
    ) {
      return 'the status line is not "HTTP/1.1 <code> <reason>"';
    }
    const d0 = s.charCodeAt(9) - 0x30;
    const d1 = s.charCodeAt(10) - 0x30;
    const d2 = s.charCodeAt(11) - 0x30;
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return 'the status code is not three digits from 100 to 599';
    for (let i = 13; i < eol; i++) if (badValueChar(s.charCodeAt(i))) return 'the reason phrase holds a control character';
    const http10 = s.charCodeAt(7) === 0x30;
    this.status = d0 * 100 + d1 * 10 + d2;

    const headers: string[] = [];
    let connection = '';
    let transferEncoding: string | undefined;
    let contentLength = -1;
    let keepAliveTimeout = -1;
    let pos = eol + 2;
    while (pos < len) {
      let end = s.indexOf('\r\n', pos);
      if (end < 0) end = len;
      const first = s.charCodeAt(pos);
      if (first === 0x20 || first === 0x09) return 'a header field is folded over lines (obs-fold), which is not allowed';
      let colon = pos;
      while (colon < end && TOKEN[s.charCodeAt(colon)] === 1) colon++;
      if (colon === pos || colon === end || s.charCodeAt(colon) !== 0x3a) return 'a header field name is not a token';
      let vs = colon + 1;
      while (vs < end && (s.charCodeAt(vs) === 0x20 || s.charCodeAt(vs) === 0x09)) vs++;
      let ve = vs;
      for (let i = vs; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === CR || c === LF || c === 0) return 'a header field value holds CR, LF or NUL';
        if (badValueChar(c)) return 'a header field value holds a control character';
        if (c !== 0x20 && c !== 0x09) ve = i + 1;
      }
      const name = s.slice(pos, colon);
      const value = s.slice(vs, ve);
      headers.push(name, value);
      pos = end + 2;
      // Only the fields that decide framing and reuse are looked at; the length test keeps this cheap.
      const nl = name.length;
      if (nl === 14 || nl === 17 || nl === 10) {
        const lower = name.toLowerCase();
        if (lower === 'content-length') {
          const n = parseLength(value);
          if (n < 0) return 'Content-Length is not a number';
          if (contentLength >= 0 && n !== contentLength) return 'the response has several Content-Length values that differ';
          contentLength = n;
        } else if (lower === 'transfer-encoding') {
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        } else if (lower === 'connection') {
          connection = connection === '' ? value : `${connection}, ${value}`;
        } else if (lower === 'keep-alive') {
          keepAliveTimeout = parseKeepAliveTimeout(value);
        }
      }
    }
    this.headers = headers;
    this.connection = connection;
    this.keepAliveTimeout = keepAliveTimeout;
    let close = false;
    let keepAliveToken = false;
    if (connection !== '') {
      const c = connection.length <= 10 ? connection.toLowerCase() : '';
      if (c === 'close') close = true;
      else if (c === 'keep-alive') keepAliveToken = true;
      else {
        for (const t of connection.toLowerCase().split(',')) {
          const token = t.trim();
          if (token === 'close') close = true;
          else if (token === 'keep-alive') keepAliveToken = true;
        }
      }
    }
    this.keepAlive = !close && (!http10 || keepAliveToken);
    if (transferEncoding !== undefined) {
      if (http10) return 'an HTTP/1.0 response has Transfer-Encoding';
      if (transferEncoding.toLowerCase() !== 'chunked') return `Transfer-Encoding is "${transferEncoding.slice(0, 40)}", not "chunked"`;
      if (contentLength >= 0) return 'the response has both Transfer-Encoding and Content-Length';
      this.remaining = CHUNKED;
    } else {
      this.remaining = contentLength; // -1: neither
    }
    return undefined;
  }

  /** Picks the framing once a head is parsed; returns where to go on in `buf`, -1 when done with it. */
  private afterHead(buf: Buffer, pos: number): number {
    const status = this.status;
    if (status < 200) {
      if (status === 101) {
        this.fail('the upstream switched protocols (101), and the gateway does not forward upgrades');
        return -1;
      }
      // An interim answer (100 Continue, 103 Early Hints): the final one follows.
      this.state = HEAD;
      return pos;
    }
    const framing = this.remaining;
    this.events.onResponseHead(this);
    if (this.state === DEAD) return -1;
    if (this.isHeadRequest || status === 204 || status === 304 || framing === 0) {
      this.complete(undefined, pos < buf.length);
      return -1;
    }
    if (framing === CHUNKED) {
      this.state = CHUNK_SIZE;
      this.remaining = 0;
      this.digits = 0;
      this.lineBytes = 0;
    } else if (framing > 0) {
      this.state = BODY_LENGTH;
    } else {
      // Neither length nor chunked: the body runs until the upstream closes (RFC 9112 §6.3 rule 8).
      this.state = BODY_UNTIL_CLOSE;
      this.keepAlive = false;
    }
    return pos;
  }

  /** Reads chunk sizes, the CRLF after data, and trailers, a byte at a time; -1 when done with `buf`. */
  private readChunkFraming(buf: Buffer, pos: number): number {
    const len = buf.length;
    while (pos < len) {
      const c = buf[pos++];
      switch (this.state) {
        case CHUNK_SIZE: {
          const v = HEX[c];
          if (v >= 0) {
            if (++this.digits > CHUNK_SIZE_DIGITS) return this.failed('a chunk size is too large');
            this.remaining = this.remaining * 16 + v;
          } else if (this.digits === 0) {
            return this.failed('a chunk size is not hexadecimal');
          } else if (c === 0x3b) {
            this.state = CHUNK_EXT;
          } else if (c === CR) {
            this.state = CHUNK_SIZE_LF;
          } else if (c === 0x20 || c === 0x09) {
            this.state = CHUNK_SIZE_WS;
          } else if (c === LF) {
            return this.failed('a chunk-size line does not end with CRLF');
          } else {
            return this.failed('a chunk size is not hexadecimal');
          }
          break;
        }
        case CHUNK_SIZE_WS:
          if (c === 0x3b) this.state = CHUNK_EXT;
          else if (c !== 0x20 && c !== 0x09) return this.failed('a chunk size is followed by something other than an extension');
          break;
        case CHUNK_EXT:
          // Extensions are read and ignored: nothing here depends on them.
          if (c === CR) this.state = CHUNK_SIZE_LF;
          else if (badValueChar(c)) return this.failed('a chunk extension holds a control character');
          break;
        case CHUNK_SIZE_LF:
          if (c !== LF) return this.failed('a chunk-size line does not end with CRLF');
          if (this.remaining === 0) {
            this.state = TRAILER_NAME;
            this.lineBytes = 0;
            this.lineEmpty = true;
          } else {
            this.state = CHUNK_DATA;
            return pos;
          }
          break;
        case CHUNK_DATA_CR:
          if (c !== CR) return this.failed('chunk data is not followed by CRLF');
          this.state = CHUNK_DATA_LF;
          break;
        case CHUNK_DATA_LF:
          if (c !== LF) return this.failed('chunk data is not followed by CRLF');
          this.state = CHUNK_SIZE;
          this.remaining = 0;
          this.digits = 0;
          this.lineBytes = 0;
          break;
        case TRAILER_NAME:
          // Trailer fields are checked for shape and dropped: they never reach the caller.
          if (c === CR) {
            if (!this.lineEmpty) return this.failed('a trailer field has no colon');
            this.state = TRAILER_LF;
          } else if (c === 0x3a && !this.lineEmpty) {
            this.state = TRAILER_VALUE;
          } else if (TOKEN[c] === 1) {
            this.lineEmpty = false;
          } else {
            return this.failed('a trailer field name is not a token');
          }
          break;
        case TRAILER_VALUE:
          if (c === CR) this.state = TRAILER_LF;
          else if (badValueChar(c)) return this.failed('a trailer field value holds a control character');
          break;
        case TRAILER_LF:
          if (c !== LF) return this.failed('a trailer line does not end with CRLF');
          if (this.lineEmpty) {
            this.complete(undefined, pos < len);
            return -1;
          }
          this.state = TRAILER_NAME;
          this.lineEmpty = true;
          break;
      }
      if (this.state >= TRAILER_NAME) {
        if (++this.lineBytes > TRAILER_LIMIT) return this.failed(`the trailer section is larger than ${TRAILER_LIMIT / 1024} KiB`);
      } else if (this.state !== CHUNK_DATA_CR && this.state !== CHUNK_DATA_LF && ++this.lineBytes > CHUNK_LINE_LIMIT) {
        return this.failed('a chunk-size line is too long');
      }
    }
    return -1;
  }

  private complete(last: Buffer | undefined, extra: boolean): void {
    if (extra) {
      // More bytes than the response framed: never guess what they are.
      this.extraBytes = true;
      this.keepAlive = false;
    }
    this.state = IDLE;
    this.events.onResponseEnd(last);
  }

  private fail(message: string): void {
    this.state = DEAD;
    this.pending = undefined;
    this.events.onResponseError(message);
  }

  private failed(message: string): number {
    this.fail(message);
    return -1;
  }
}

/** A Content-Length value: digits only, bounded; -1 otherwise. */
function parseLength(value: string): number {
  const len = value.length;
  if (len === 0 || len > LENGTH_DIGITS) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** `timeout=N` in a Keep-Alive value (seconds), -1 when absent or not a number. */
function parseKeepAliveTimeout(value: string): number {
  const at = value.toLowerCase().indexOf('timeout=');
  if (at < 0) return -1;
  let n = -1;
  for (let i = at + 8; i < value.length && i < at + 14; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    n = (n < 0 ? 0 : n * 10) + d;
  }
  return n;
}
