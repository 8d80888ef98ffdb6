/**
 * How a replica learns of writes made through the others: every committed batch has a number (change_counter) and a
 * log entry (change_log) naming what changed, and sends NOTIFY with both. A replica applies the numbers in order:
 *   - LISTEN on a connection of its own, for speed (a few milliseconds from commit);
 *   - a poll of the counter every `pollMs`, for a notification lost with a dropped connection, or a replica that
 *     could not listen: it then reads the missing entries from the log.
 * A gap older than the log keeps (pruned) drops the whole cache instead.
 *
 * The listening connection reconnects by itself with backoff (100 ms doubling to 2 s); the poll goes on meanwhile,
 * so changes still arrive within pollMs once the database answers again.
 */
import { Client, type ClientConfig, type Pool } from 'pg';

/** What a log entry says: a record changed (the cache keys of its new version), or a notice for another part of the
 * replica (signing keys rotated, admin tokens changed). */
export type Change = { c: string; id: string; k: string[] } | { n: string };

export const CHANNEL = 'choreo_changes';
/** NOTIFY payloads are limited to 8000 bytes; a bigger batch sends its number alone and is read from the log. */
export const MAX_PAYLOAD = 7900;
/** Log entries kept for replicas catching up; one further behind drops its cache instead. */
const KEEP_ENTRIES = 100_000;

export interface FeedHandlers {
  apply(seq: number, changes: Change[]): void;
  /** The log no longer has the entries this replica missed: forget everything. */
  reset(): void;
  /** The feed's view of the database: reachable (undefined) or why not. */
  status(problem: string | undefined): void;
}

export class ChangeFeed {
  /** The highest change number applied, with all before it. */
  applied: number;
  private listener: Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private catchingUp: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private polls = 0;

  constructor(
    private readonly pool: Pool,
    private readonly clientConfig: ClientConfig,
    startAt: number,
    private readonly handlers: FeedHandlers,
    private readonly pollMs: number,
  ) {
    this.applied = startAt;
  }

  start(): void {
    void this.listen();
    const tick = () => {
      this.pollTimer = setTimeout(() => void this.catchUp().finally(() => !this.closed && tick()), this.pollMs);
      this.pollTimer.unref();
    };
    tick();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new Client(this.clientConfig);
    this.listener = client;
    let failed = false;
    const retry = (err: Error) => {
      if (failed || this.closed) return;
      failed = true;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      this.handlers.status(`the database cannot be reached (the change feed's connection: ${err.message})`);
      this.reconnectTimer = setTimeout(() => void this.listen(), this.backoffMs);
      this.reconnectTimer.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, 2_000);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      this.onNotification(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.backoffMs = 100;
      // Whatever was committed while not listening.
      void this.catchUp();
    } catch (err) {
      retry(err as Error);
    }
  }

  private onNotification(payload: string): void {
    let seq: number;
    let changes: Change[] | undefined;
    try {
      const parsed = JSON.parse(payload) as { s: number; c?: Change[] };
      seq = parsed.s;
      changes = parsed.c;
    } catch {
      return;
    }
    if (seq <= this.applied) return;
    if (seq === this.applied + 1 && changes && !this.catchingUp) {
      this.applied = seq;
      this.handlers.apply(seq, changes);
      return;
    }
    void this.catchUp();
  }

  /** Reads and applies every change after `applied`; one at a time (a request during a run makes it run again). */
  catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.again = false;
          await this.readLog();
        } while (this.again && !this.closed);
        this.handlers.status(undefined);
      } catch (err) {
        this.handlers.status(`the database cannot be reached (${(err as Error).message})`);
      } finally {
        this.catchingUp = undefined;
      }
    })();
    return this.catchingUp;
  }

  private async readLog(): Promise<void> {
    if (++this.polls % 1000 === 0) {
      // Now and then (about every 4 minutes at the default poll), the log is cut back. Any replica may do it.
      await this.pool.query('DELETE FROM change_log WHERE seq < (SELECT seq FROM change_counter) - $1', [KEEP_ENTRIES]);
    }
    const { rows } = await this.pool.query<{ seq: string }>('SELECT seq FROM change_counter');
    const latest = Number(rows[0].seq);
    while (this.applied < latest && !this.closed) {
      const log = await this.pool.query<{ seq: string; changes: Change[] }>(
        'SELECT seq, changes FROM change_log WHERE seq > $1 ORDER BY seq LIMIT 500',
        [this.applied],
      );
      if (log.rows.length === 0 || Number(log.rows[0].seq) !== this.applied + 1) {
        this.applied = latest;
        this.handlers.reset();
        return;
      }
      for (const row of log.rows) {
        const seq = Number(row.seq);
        if (seq !== this.applied + 1) break; // applied meanwhile by a notification
        this.applied = seq;
        this.handlers.apply(seq, row.changes);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    await this.catchingUp;
    await this.listener?.end().catch(() => {});
  }
}
