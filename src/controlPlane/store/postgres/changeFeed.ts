/**
 * How a replica learns of writes made through the others: every committed batch has a number (from the sequence
 * change_seq) and a log entry (change_log) naming what changed, with the id of the transaction that wrote it; the
 * commit sends NOTIFY with both. Writers never wait for each other: numbers are taken concurrently, so they are
 * unique but commit in any order, and a number taken by a batch that rolled back is never used (a gap).
 *
 * So the feed does not follow the numbers. It follows what became visible:
 *   - LISTEN on a connection of its own, for speed (a few milliseconds from commit);
 *   - a poll every `pollMs`, for a notification lost with a dropped connection, or a replica that could not
 *     listen. Each poll reads, in one REPEATABLE READ transaction, its snapshot and the log entries whose
 *     transaction was not visible in the previous poll's snapshot (`pg_visible_in_snapshot`). An entry committed
 *     late, below numbers already seen, is still invisible to the earlier snapshot, so the next poll finds it;
 *     nothing reads "the highest number" and skips one still being committed.
 * Every entry reaches the replica by one of them at least, and is applied once (numbers applied recently are
 * remembered, whichever way they came: the notification, the poll, or this replica's own commit).
 *
 * A replica that could not poll for longer than RESET_AFTER_MS (the log keeps KEEP_MINUTES) may have missed pruned
 * entries: it drops its whole cache instead and starts from a new snapshot. The listening connection reconnects by
 * itself with backoff (100 ms doubling to 2 s); the poll goes on meanwhile.
 */
import { Client, type ClientConfig, type Pool } from 'pg';

/** What a log entry says: a record changed (the cache keys of its new version), or a notice for another part of the
 * replica (signing keys rotated, admin tokens changed). */
export type Change = { c: string; id: string; k: string[] } | { n: string };

export const CHANNEL = 'choreo_changes';
/** NOTIFY payloads are limited to 8000 bytes; a bigger batch sends its number alone and is read from the log. */
export const MAX_PAYLOAD = 7900;
/** How a writer logs its batch, in its transaction, just before COMMIT: the next number, its changes, and (by the
 * column's default) its transaction id, which the poll compares with its snapshots. */
export const LOG_CHANGES = "INSERT INTO change_log (seq, changes) VALUES (nextval('change_seq'), $1) RETURNING seq";
/** Log entries are kept this long for replicas catching up (pruned now and then by any replica). */
const KEEP_MINUTES = 10;
/** A replica whose last poll is older than this drops its cache (well inside KEEP_MINUTES: nothing it needs is pruned). */
const RESET_AFTER_MS = 5 * 60_000;
/** Numbers remembered as applied; a duplicate comes within a poll or two, far fewer writes than this. */
const REMEMBERED = 100_000;
const PAGE = 500;

export interface FeedHandlers {
  apply(seq: number, changes: Change[]): void;
  /** Entries this replica needed may be gone from the log: forget everything. */
  reset(): void;
  /** The feed's view of the database: reachable (undefined) or why not. */
  status(problem: string | undefined): void;
}

export class ChangeFeed {
  /** The previous poll's snapshot (pg_snapshot as text): the entries it did not see are the next poll's. */
  private snapshot: string;
  private lastPoll = Date.now();
  /** Numbers applied lately (insertion order, the oldest forgotten first). */
  private readonly applied = new Set<number>();
  private listener: Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private catchingUp: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private polls = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly clientConfig: ClientConfig,
    startAt: string,
    private readonly handlers: FeedHandlers,
    private readonly pollMs: number,
  ) {
    this.snapshot = startAt;
  }

  /** A feed of every change committed from now on (what was committed before is read from the tables). */
  static async open(pool: Pool, clientConfig: ClientConfig, handlers: FeedHandlers, pollMs: number): Promise<ChangeFeed> {
    const { rows } = await pool.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot');
    return new ChangeFeed(pool, clientConfig, rows[0].snapshot, handlers, pollMs);
  }

  /** Starts polling and, unless `listen` is false, listening. */
  start(listen = true): void {
    if (listen) void this.listen();
    const tick = () => {
      this.pollTimer = setTimeout(() => void this.catchUp().finally(() => !this.closed && tick()), this.pollMs);
      this.pollTimer.unref();
    };
    tick();
  }

  /** Applies a batch unless it was applied already (by whichever way it came first). */
  deliver(seq: number, changes: Change[]): void {
    if (this.applied.has(seq)) return;
    this.applied.add(seq);
    if (this.applied.size > REMEMBERED) this.applied.delete(this.applied.values().next().value as number);
    this.handlers.apply(seq, changes);
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
    let parsed: { s: number; c?: Change[] };
    try {
      parsed = JSON.parse(payload) as { s: number; c?: Change[] };
    } catch {
      return;
    }
    if (parsed.c) this.deliver(parsed.s, parsed.c);
    else void this.catchUp(); // too big to send: the poll reads it from the log
  }

  /** Polls now; one poll at a time (a request during a poll makes it run again). */
  catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.again = false;
          await this.poll();
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

  private async poll(): Promise<void> {
    if (++this.polls % 1000 === 0) {
      // Now and then (about every 4 minutes at the default poll), the log is cut back. Any replica may do it.
      await this.pool.query(`DELETE FROM change_log WHERE committed_at < now() - interval '${KEEP_MINUTES} minutes'`);
    }
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const lost = (err: Error) => (broken = err);
    client.on('error', lost);
    try {
      // One snapshot for the whole read: the entries invisible in the previous one and visible in this one.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot');
      const snapshot = rows[0].snapshot;
      const stale = Date.now() - this.lastPoll > RESET_AFTER_MS;
      const entries: Array<{ seq: string; changes: Change[] }> = [];
      for (let after = 0; !stale;) {
        const page = await client.query<{ seq: string; changes: Change[] }>(
          `SELECT seq, changes FROM change_log
            WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot) AND seq > $2
            ORDER BY seq LIMIT ${PAGE}`,
          [this.snapshot, after],
        );
        entries.push(...page.rows);
        if (page.rows.length < PAGE) break;
        after = Number(page.rows[page.rows.length - 1].seq);
      }
      await client.query('COMMIT');
      this.snapshot = snapshot;
      this.lastPoll = Date.now();
      if (stale) this.handlers.reset();
      else for (const e of entries) this.deliver(Number(e.seq), e.changes);
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.off('error', lost);
      client.release(broken);
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
