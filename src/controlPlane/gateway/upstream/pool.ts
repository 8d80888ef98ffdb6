/**
 * The connections to one upstream origin: idle ones are reused most-recent first (warm sockets), at most `limit` are
 * open, and calls beyond the limit wait in a FIFO queue for the next connection to free up.
 */
import { UpstreamConnection, type ConnectionOwner, type UpstreamExchange, type UpstreamTarget } from './connection';
import { UpstreamNetwork } from './connector';
import { UpstreamError } from './errors';

export interface PoolOptions {
  /** Open connections at most. */
  limit: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** How connections are opened, under which address rule (default: the system's, nothing refused). */
  network?: UpstreamNetwork;
}

export class UpstreamPool implements ConnectionOwner {
  readonly network: UpstreamNetwork;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  private readonly limit: number;
  private readonly idle: UpstreamConnection[] = [];
  private readonly waiting: UpstreamExchange[] = [];
  private waitingHead = 0;
  private open = 0;
  private closing = false;
  private onEmpty: (() => void) | undefined;
  /** Connections opened so far (for tests and figures). */
  opened = 0;

  constructor(
    private readonly target: UpstreamTarget,
    options: PoolOptions,
  ) {
    this.limit = Math.max(1, options.limit);
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.headersTimeoutMs = options.headersTimeoutMs;
    this.bodyTimeoutMs = options.bodyTimeoutMs;
    this.network = options.network ?? new UpstreamNetwork();
  }

  /** Sends the call on an idle connection, a new one, or queues it. */
  dispatch(exchange: UpstreamExchange): void {
    if (this.closing) return exchange.onUpstreamError(new UpstreamError('UPSTREAM_POOL_CLOSED', 'the gateway is shutting down'));
    const idle = this.idle;
    if (idle.length > 0) {
      const now = Date.now();
      while (idle.length > 0) {
        const connection = idle.pop()!;
        if (connection.usable(now)) return connection.send(exchange);
        connection.destroy(); // expired: its close takes it out of the count
      }
    }
    if (this.open < this.limit) return this.connect(exchange);
    this.waiting.push(exchange);
  }

  released(connection: UpstreamConnection): void {
    if (this.closing) return connection.destroy();
    const next = this.nextWaiting();
    if (next !== undefined) connection.send(next);
    else this.idle.push(connection);
  }

  closed(connection: UpstreamConnection): void {
    this.open--;
    const at = this.idle.lastIndexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (!this.closing && this.open < this.limit) {
      const next = this.nextWaiting();
      if (next !== undefined) this.connect(next);
    }
    if (this.open === 0) this.onEmpty?.();
  }

  retry(exchange: UpstreamExchange): void {
    if (this.closing) return exchange.onUpstreamError(new UpstreamError('UPSTREAM_POOL_CLOSED', 'the gateway is shutting down'));
    // On a new connection even at the limit: the one that failed is on its way out.
    this.connect(exchange);
  }

  /** Refuses new calls, closes idle connections now and the others once their call ends; resolves when all are gone. */
  close(): Promise<void> {
    this.closing = true;
    for (const exchange of this.waiting.splice(0).slice(this.waitingHead)) {
      if (!exchange.cancelled) exchange.onUpstreamError(new UpstreamError('UPSTREAM_POOL_CLOSED', 'the gateway is shutting down'));
    }
    this.waitingHead = 0;
    for (const connection of this.idle.splice(0)) connection.destroy();
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => (this.onEmpty = resolve));
  }

  /** Connections open now, and how many of them are idle. */
  stats(): { open: number; idle: number; waiting: number } {
    return { open: this.open, idle: this.idle.length, waiting: this.waiting.length - this.waitingHead };
  }

  private connect(exchange: UpstreamExchange): void {
    // An IP address the rule refuses is never dialled (a name is judged by the connection's lookup, once resolved).
    const refused = this.network.refuse(this.target.hostname);
    if (refused !== undefined) return exchange.onUpstreamError(refused);
    this.open++;
    this.opened++;
    new UpstreamConnection(this, this.target).send(exchange);
  }

  private nextWaiting(): UpstreamExchange | undefined {
    const waiting = this.waiting;
    while (this.waitingHead < waiting.length) {
      const exchange = waiting[this.waitingHead];
      waiting[this.waitingHead++] = undefined as unknown as UpstreamExchange;
      if (this.waitingHead === waiting.length) {
        waiting.length = 0;
        this.waitingHead = 0;
      } else if (this.waitingHead > 1024 && this.waitingHead * 2 > waiting.length) {
        waiting.splice(0, this.waitingHead); // a queue that never empties does not keep its served slots
        this.waitingHead = 0;
      }
      if (!exchange.cancelled) return exchange;
    }
    return undefined;
  }
}
