/**
 * Slows down guessing of a client's secret at the token endpoint. Each client ID gets a few free failures; past
 * those, every further failure closes that client ID to wrong secrets for a while (doubling each time, up to a
 * ceiling): the token endpoint answers them 429 with Retry-After. The right secret is never refused: client IDs are
 * not secret, so a lock that also held the owner out would let anyone (any web page, with a form POST) lock a client
 * out. What a guesser learns from a 200 it could learn anyway, and a 256-bit secret is not guessed. Other client IDs
 * are never affected; a success does not clear the count (a guesser's failures are not forgiven because the owner
 * got a token meanwhile); a client ID with no failure for a while starts again from zero.
 *
 * Why per client ID and not per address: a secret belongs to one client ID, and a local control plane sees every
 * caller as 127.0.0.1, so an address limit would lock out every consumer at once.
 *
 * Cost on the hot path: one Map lookup per request, no allocation unless the request failed. Only client IDs that
 * exist are counted (the caller checks), and the map is bounded, so a flood of made-up IDs cannot grow it.
 */

export interface ThrottleOptions {
  /** Failures allowed before the client ID is closed. */
  freeFailures?: number;
  /** How long the first closing lasts; each further failure doubles it. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A client ID whose last failure is older than this starts again from zero. */
  forgetAfterMs?: number;
  maxTracked?: number;
}

interface Failures {
  count: number;
  lastFailureAt: number;
  closedUntil: number;
}

export class ClientThrottle {
  private readonly entries = new Map<string, Failures>();
  private readonly freeFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxTracked: number;

  constructor(options: ThrottleOptions = {}) {
    this.freeFailures = options.freeFailures ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  /** Milliseconds until this client ID may try again; 0 when it may try now. */
  retryAfterMs(clientId: string, now: number): number {
    if (this.entries.size === 0) return 0;
    const e = this.entries.get(clientId);
    return e !== undefined && e.closedUntil > now ? e.closedUntil - now : 0;
  }

  /** Counts a failed authentication of an existing client ID. */
  failed(clientId: string, now: number): void {
    let e = this.entries.get(clientId);
    if (e === undefined || now - e.lastFailureAt > this.forgetAfterMs) {
      e = { count: 0, lastFailureAt: now, closedUntil: 0 };
      this.entries.delete(clientId);
      if (this.entries.size >= this.maxTracked) this.forgetOldest();
      this.entries.set(clientId, e);
    }
    e.count++;
    e.lastFailureAt = now;
    const over = e.count - this.freeFailures;
    if (over > 0) e.closedUntil = now + Math.min(this.baseDelayMs * 2 ** Math.min(over - 1, 30), this.maxDelayMs);
  }

  get tracked(): number {
    return this.entries.size;
  }

  private forgetOldest(): void {
    // Insertion order is first-failure order; a closed ID is kept over an open one only while the map has room.
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
