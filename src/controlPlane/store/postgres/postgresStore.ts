/**
 * The team store: the records in PostgreSQL (a table per declared collection, see tables.ts and migrations.ts), any number of
 * replicas on one database.
 *
 * Reads: get / findUnique / findAll are answered from this replica's RecordCache when it has the answer, else by one
 * indexed query whose answer is then cached; pages are always read from the database (they are management calls,
 * and a page of a long list would not stay cached long). So a replica holds what it uses, not the database, and the
 * token endpoint and gateway serve a client seen before without waiting on the database.
 *
 * Writes: a batch is one transaction. UNIQUE indexes and foreign keys guard the invariants; their violations come
 * back as UniqueViolation / MissingRecord / WriteConflict, which the routes answer as they answer the file store's.
 * The commit takes the next change number (a sequence: concurrent writes do not wait for each other) and logs what
 * changed; every replica drops those answers from its cache (changeFeed.ts), this one before it acknowledges the
 * write.
 *
 * The database away: reads the cache holds are still answered (for `outageGraceMs` after the database last
 * answered), everything else fails with StoreUnavailable (503) after at most the connect or query time-out.
 */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import {
  ChangeListeners,
  CheckFailed,
  MissingRecord,
  NOT_IN_MEMORY,
  StoreUnavailable,
  UniqueViolation,
  WriteConflict,
  type CollectionSpec,
  type PageRequest,
  type PageResult,
  type Store,
  type StoreHealth,
  type StoredRecord,
  type WriteOp,
} from '../store';
import { withChecks } from '../writeChecks';
import { ChangeFeed, CHANNEL, LOG_CHANGES, MAX_PAYLOAD, type Change } from './changeFeed';
import { migrate } from './migrations';
import { getKey, lookupKey, RecordCache, recordRef, uniqueKey } from './recordCache';
import { columnKind, isUuid, splitKey, tables, uniqueIndexName, type Column, type IndexColumns, type TableMapping } from './tables';

export interface PostgresStoreOptions {
  databaseUrl: string;
  collections: CollectionSpec<any>[];
  /** Answers kept per replica (records, absent records, short lists). */
  cacheEntries?: number;
  poolSize?: number;
  /** How long a request waits for a connection (a new one, or a free one of a busy pool) before 503. */
  connectTimeoutMs?: number;
  /** How long a query may take before 503 (a hung database). */
  queryTimeoutMs?: number;
  pollMs?: number;
  /** false: follow other replicas' writes by the poll alone, as when their notifications arrive late or not at all
   * (the contract tests run a replica so, to show that nothing a listener sees depends on a notification's timing). */
  listen?: boolean;
  /** How long after the database last answered the cache still serves (see the README, "Run a team control plane"). */
  outageGraceMs?: number;
}

interface Table {
  spec: CollectionSpec;
  mapping: TableMapping;
  selectList: string;
  upsert: string;
  fields: Set<string>;
}

const LIST_CACHE_MAX = 200;
/** The notice of a change too wide to list (an import): every replica drops its whole cache and reloads its keys. */
export const EVERYTHING = 'everything';
const RETRIES = 3;

export class PostgresStore implements Store {
  readonly cache: RecordCache;
  private readonly tablesByName = new Map<string, Table>();
  private readonly collectionOfTable = new Map<string, string>();
  private readonly uniqueByConstraint = new Map<string, { collection: string; index: string }>();
  private readonly noticeListeners = new ChangeListeners();
  private readonly changeListeners = new ChangeListeners();
  private feed!: ChangeFeed;
  private problem: { reason: string; since: number } | undefined;
  private lastAnswer = Date.now();
  private closed = false;

  private constructor(
    readonly pool: Pool,
    collections: CollectionSpec<any>[],
    private readonly options: Required<Omit<PostgresStoreOptions, 'databaseUrl' | 'collections'>>,
  ) {
    this.cache = new RecordCache(options.cacheEntries);
    for (const spec of collections) {
      const mapping = tables[spec.name];
      if (!mapping) throw new Error(`The collection "${spec.name}" has no table: list its declaration in store/postgres/tables.ts.`);
      const names = mapping.columns.map((c) => c.column);
      this.tablesByName.set(spec.name, {
        spec,
        mapping,
        selectList: names.join(', '),
        upsert:
          `INSERT INTO ${mapping.table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ` +
          `ON CONFLICT (id) DO UPDATE SET ${names
            .filter((n) => n !== 'id')
            .map((n) => `${n} = EXCLUDED.${n}`)
            .join(', ')}`,
        fields: new Set(mapping.columns.flatMap((c) => (c.field ? [c.field] : []))),
      });
      this.collectionOfTable.set(mapping.table, spec.name);
      for (const index of Object.keys(mapping.unique)) this.uniqueByConstraint.set(uniqueIndexName(mapping, index), { collection: spec.name, index });
    }
  }

  /** Connects, brings the schema up to date (migrations.ts) and starts following the change feed. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const opts = {
      cacheEntries: options.cacheEntries ?? 100_000,
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
      queryTimeoutMs: options.queryTimeoutMs ?? 3_000,
      pollMs: options.pollMs ?? 250,
      listen: options.listen ?? true,
      outageGraceMs: options.outageGraceMs ?? 5 * 60_000,
    };
    const clientConfig = connectionConfig(options.databaseUrl, opts);
    const pool = new Pool({ ...clientConfig, max: opts.poolSize, idleTimeoutMillis: 30_000 } satisfies PoolConfig);
    // An idle connection the server dropped (a restart) reports here; the pool discards it and makes a new one.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, options.collections, opts);
    try {
      await migrate(pool);
      store.feed = await ChangeFeed.open(pool, clientConfig, store.feedHandlers(), opts.pollMs);
      store.feed.start(opts.listen);
      return store;
    } catch (err) {
      await pool.end().catch(() => {});
      throw unavailableOr(err);
    }
  }

  /** Grows with every change this replica applies, its own and those of other replicas. */
  get generation(): number {
    return this.cache.epoch;
  }

  private feedHandlers() {
    return {
      apply: (_seq: number, changes: Change[]) => this.applyChanges(changes),
      reset: () => {
        this.cache.clear();
        this.noticeListeners.emitAll();
        this.changeListeners.emitAll();
      },
      status: (problem: string | undefined) => {
        if (problem === undefined) {
          this.lastAnswer = Date.now();
          this.problem = undefined;
        } else this.problem ??= { reason: problem, since: Date.now() };
      },
    };
  }

  private applyChanges(changes: Change[]): void {
    const collections: string[] = [];
    for (const ch of changes) {
      if ('n' in ch && ch.n === EVERYTHING) this.feedHandlers().reset();
      else if ('n' in ch) this.noticeListeners.emit([ch.n]);
      else {
        this.cache.invalidate(recordRef(ch.c, ch.id), [getKey(ch.c, ch.id), ...ch.k]);
        collections.push(ch.c);
      }
    }
    // After the cache dropped what changed, so a listener reading again reads the new records.
    this.changeListeners.emit(collections);
  }

  onChange(collection: string, listener: () => void): void {
    this.changeListeners.add(collection, listener);
  }

  /** Called when a change log entry carries this notice (`{ n: kind }`), on every replica, this one included. */
  onNotice(kind: string, listener: () => void): void {
    this.noticeListeners.add(kind, listener);
  }

  health(): StoreHealth {
    if (!this.problem) return { status: 'ok' };
    const since = new Date(this.problem.since).toISOString();
    return { status: 'degraded', reason: `Since ${since}, ${this.problem.reason}. Clients seen before are served from memory; management calls answer 503.` };
  }

  // ---- reads

  private table(collection: string): Table {
    const t = this.tablesByName.get(collection);
    if (!t) throw new Error(`Unknown collection "${collection}"`);
    return t;
  }

  /** The cache may answer while the database answered recently enough (see outageGraceMs). */
  private cached(key: string): { value: unknown } | undefined {
    if (this.problem && Date.now() - this.lastAnswer > this.options.outageGraceMs) return undefined;
    return this.cache.get(key);
  }

  async get<T extends StoredRecord>(collection: string, id: string): Promise<T | undefined> {
    const key = getKey(collection, id);
    const hit = this.cached(key);
    if (hit) return hit.value as T | undefined;
    const t = this.table(collection);
    if (!isUuid(id)) return undefined;
    const epoch = this.cache.epoch;
    const rows = await this.query(`SELECT ${t.selectList} FROM ${t.mapping.table} WHERE id = $1`, [id]);
    const record = rows[0] ? (toRecord(t, rows[0]) as T) : undefined;
    this.cache.set(key, record, [recordRef(collection, id)], epoch);
    return record;
  }

  findUniqueNow<T extends StoredRecord>(collection: string, index: string, key: string): T | undefined | typeof NOT_IN_MEMORY {
    const hit = this.cached(uniqueKey(collection, index, key));
    return hit ? (hit.value as T | undefined) : NOT_IN_MEMORY;
  }

  async findUnique<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T | undefined> {
    const cacheKey = uniqueKey(collection, index, key);
    const hit = this.cached(cacheKey);
    if (hit) return hit.value as T | undefined;
    const t = this.table(collection);
    const cols = t.mapping.unique[index];
    if (!cols) throw new Error(`${collection} has no unique index "${index}"`);
    const epoch = this.cache.epoch;
    const rows = await this.select(t, cols, key, 1);
    const record = rows[0] as T | undefined;
    this.cache.set(cacheKey, record, record ? [recordRef(collection, record.id)] : [], epoch);
    return record;
  }

  async findAll<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T[]> {
    const cacheKey = lookupKey(collection, index, key);
    const hit = this.cached(cacheKey);
    if (hit) return [...(hit.value as T[])];
    const t = this.table(collection);
    const cols = t.mapping.lookup[index];
    if (!cols) throw new Error(`${collection} has no lookup "${index}"`);
    const epoch = this.cache.epoch;
    const records = (await this.select(t, cols, key)) as T[];
    if (records.length <= LIST_CACHE_MAX)
      this.cache.set(
        cacheKey,
        records,
        records.map((r) => recordRef(collection, r.id)),
        epoch,
      );
    return [...records];
  }

  private async select(t: Table, cols: IndexColumns, key: string, limit?: number): Promise<StoredRecord[]> {
    const values = splitKey(t.mapping, cols, key);
    if (!values) return [];
    const params: unknown[] = [];
    const where = cols.columns.map((c, i) => (values[i] === null ? `${c} IS NULL` : `${c} = $${params.push(values[i])}`));
    if (cols.where) where.push(cols.where);
    const rows = await this.query(`SELECT ${t.selectList} FROM ${t.mapping.table} WHERE ${where.join(' AND ')}${limit ? ` LIMIT ${limit}` : ''}`, params);
    return rows.map((r) => toRecord(t, r));
  }

  async page<T extends StoredRecord>(collection: string, req: PageRequest): Promise<PageResult<T>> {
    const t = this.table(collection);
    const ordered = t.mapping.ordered;
    if (!ordered) throw new Error(`${collection} has no ordered list`);
    const sort = ordered.sort;
    const prefix = req.prefix ?? '';
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (v: unknown) => `$${values.push(v)}`;
    if (ordered.group) {
      if (columnKind(t.mapping, ordered.group) === 'uuid' && !isUuid(req.group)) return { items: [] };
      where.push(`${ordered.group} = ${param(req.group)}`);
    }
    // Prefix as a range (the columns sort as "C": bytes of UTF-8, in which U+10FFFF sorts after any character).
    if (prefix) where.push(`${sort} >= ${param(prefix)}`, `${sort} < ${param(`${prefix}\u{10FFFF}`)}`);
    const items: T[] = [];
    let after = req.after;
    // The filter is a function of the record, so it runs here: read on in batches until the page is full.
    const batch = req.filter ? Math.max(req.limit + 1, 200) : req.limit + 1;
    for (;;) {
      const w = [...where];
      const v = [...values];
      if (after !== undefined) w.push(`${sort} > $${v.push(after)}`);
      const rows = await this.query(
        `SELECT ${t.selectList} FROM ${t.mapping.table}${w.length ? ` WHERE ${w.join(' AND ')}` : ''} ORDER BY ${sort} LIMIT ${batch}`,
        v,
      );
      for (const row of rows) {
        const record = toRecord(t, row) as T;
        if (req.filter && !req.filter(record)) continue;
        if (items.length === req.limit) return { items, last: t.spec.ordered!.sort(items[items.length - 1]) };
        items.push(record);
      }
      if (rows.length < batch) return { items };
      after = row(rows[rows.length - 1], sort) as string;
    }
  }

  // ---- writes

  /** Applies operations inside a transaction of `transaction()` (an import writes records and keys in one). */
  async writeIn(client: PoolClient, ops: WriteOp[]): Promise<void> {
    for (const op of ops) await this.applyOp(client, op);
  }

  async write(batch: WriteOp[]): Promise<void> {
    const ops = withChecks(batch);
    const changes: Change[] = [];
    for (const op of ops) {
      if (op.op === 'put') changes.push({ c: op.collection, id: op.record.id, k: this.keysOf(op.collection, op.record) });
      else if (op.op === 'delete') changes.push({ c: op.collection, id: op.id, k: [] });
    }
    await this.transaction(async (client) => {
      for (const op of ops) await this.applyOp(client, op);
      return changes;
    });
  }

  /** The cache keys a record answers: its get, unique and lookup keys. */
  private keysOf(collection: string, record: StoredRecord): string[] {
    const spec = this.table(collection).spec;
    const keys = [getKey(collection, record.id)];
    for (const [index, fn] of Object.entries(spec.unique ?? {})) {
      const k = fn(record);
      if (k !== undefined) keys.push(uniqueKey(collection, index, k));
    }
    for (const [index, fn] of Object.entries(spec.lookup ?? {})) keys.push(lookupKey(collection, index, fn(record)));
    return keys;
  }

  private async applyOp(client: PoolClient, op: WriteOp): Promise<void> {
    const t = this.table(op.collection);
    if (op.op === 'check') {
      // FOR SHARE: the row can be neither changed nor deleted until this batch commits; one changed a moment before
      // is read as committed (READ COMMITTED re-reads a row it waited for).
      const column = op.field === undefined ? undefined : t.mapping.columns.find((c) => c.field === op.field)!.column;
      const found = isUuid(op.id)
        ? await client.query(
            `SELECT 1 FROM ${t.mapping.table} WHERE id = $1${column ? ` AND ${column} = ANY($2::text[])` : ''} FOR SHARE`,
            column ? [op.id, op.oneOf ?? []] : [op.id],
          )
        : { rowCount: 0 };
      if (!found.rowCount) throw new CheckFailed(op.why);
    } else if (op.op === 'require') {
      // FOR KEY SHARE: the parent cannot be deleted until this batch commits.
      const found = isUuid(op.id) ? await client.query(`SELECT 1 FROM ${t.mapping.table} WHERE id = $1 FOR KEY SHARE`, [op.id]) : { rowCount: 0 };
      if (!found.rowCount) throw new MissingRecord(op.collection, op.id);
    } else if (op.op === 'delete') {
      if (isUuid(op.id)) await client.query(`DELETE FROM ${t.mapping.table} WHERE id = $1`, [op.id]);
    } else {
      try {
        await client.query(t.upsert, toRow(t, op.record));
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        const unique = e.code === '23505' && e.constraint ? this.uniqueByConstraint.get(e.constraint) : undefined;
        if (unique) {
          const key = t.spec.unique?.[unique.index]?.(op.record) ?? '';
          throw new UniqueViolation(unique.collection, unique.index, key);
        }
        throw err;
      }
    }
  }

  /**
   * Runs `work` in a transaction and commits it with the next change number and its log entry; then applies the
   * changes here before returning (so this replica reads its own writes at once), unless the feed brought them
   * first, and sends the NOTIFY. Serialization failures and deadlocks are retried; constraint violations are mapped to the
   * Store's errors.
   */
  async transaction(work: (client: PoolClient) => Promise<Change[]>): Promise<void> {
    if (this.closed) throw new Error('The store is closed.');
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw unavailableOr(err);
      }
      let broken: Error | undefined;
      // The server may end the connection between two queries of the batch (a restart): pg then emits 'error' on
      // the client, which would end the process without a listener; the next query fails and is answered as usual.
      const lost = (err: Error) => (broken = err);
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const changes = await work(client);
        let seq: number | undefined;
        if (changes.length > 0) {
          // Foreign keys are checked here, so that a batch they refuse is answered before it takes a change number.
          await client.query('SET CONSTRAINTS ALL IMMEDIATE');
          const { rows } = await client.query<{ seq: string }>(LOG_CHANGES, [JSON.stringify(changes)]);
          seq = Number(rows[0].seq);
        }
        await client.query('COMMIT');
        this.lastAnswer = Date.now();
        if (seq === undefined) return;
        this.feed.deliver(seq, changes);
        // NOTIFY after the commit, in a transaction of its own: inside the write's, PostgreSQL holds one lock for
        // every notifying commit of the database until the commit is on disk, which queued every write behind the
        // one before it. Lost with a crash right here, the change still reaches the others by their poll.
        const full = JSON.stringify({ s: seq, c: changes });
        await client
          .query('SELECT pg_notify($1, $2)', [CHANNEL, Buffer.byteLength(full) <= MAX_PAYLOAD ? full : JSON.stringify({ s: seq })])
          .catch((err: Error) => (broken = err));
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        const code = (err as { code?: string }).code;
        if ((code === '40P01' || code === '40001') && attempt < RETRIES) continue;
        throw this.mapError(err);
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    }
  }

  private mapError(err: unknown): unknown {
    const e = err as { code?: string; detail?: string; table?: string };
    if (e.code === '23503') {
      // "Key (project_id)=(…) is not present in table "projects"." / "Key (id)=(…) is still referenced from table …"
      if (e.detail?.includes('is still referenced')) {
        return new WriteConflict('A record being deleted gained a dependent at the same moment. Reload and try again.');
      }
      const m = /Key \((\w+)\)=\(([^)]*)\) is not present in table "(\w+)"/.exec(e.detail ?? '');
      return new MissingRecord(m ? (this.collectionOfTable.get(m[3]) ?? m[3]) : (e.table ?? ''), m?.[2] ?? '');
    }
    return unavailableOr(err);
  }

  private async query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    if (this.closed) throw new Error('The store is closed.');
    try {
      const { rows } = await this.pool.query(sql, values);
      this.lastAnswer = Date.now();
      return rows;
    } catch (err) {
      throw unavailableOr(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed?.close();
    await this.pool.end();
  }
}

const row = (r: Record<string, unknown>, column: string) => r[column];

function toRow(t: Table, record: StoredRecord): unknown[] {
  const r = record as unknown as Record<string, unknown>;
  for (const field of Object.keys(r)) {
    if (!t.fields.has(field) && r[field] !== undefined)
      throw new Error(
        `${t.spec.name}: the table ${t.mapping.table} has no column for "${field}"; declare the field in its collection (records.ts) and add the column in a migration.`,
      );
  }
  return t.mapping.columns.map((c) => toColumn(t, c, c.derive ? c.derive(record) : r[c.field!]));
}

function toColumn(t: Table, c: Column, value: unknown): unknown {
  if (value === undefined || value === null) {
    if (c.optional) return null;
    throw new Error(`${t.spec.name}: "${c.field ?? c.column}" is required.`);
  }
  switch (c.kind) {
    case 'json':
      return JSON.stringify(value);
    case 'time':
      // Stored as timestamptz; only the ISO form toISOString() writes comes back unchanged, so only it is taken.
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || new Date(value).toISOString() !== value) {
        throw new Error(`${t.spec.name}: "${c.field}" must be an ISO timestamp as toISOString() writes it, not ${JSON.stringify(value)}.`);
      }
      return value;
    case 'uuid':
      if (typeof value !== 'string' || !isUuid(value) || value !== value.toLowerCase())
        throw new Error(`${t.spec.name}: "${c.field}" must be a lower-case UUID.`);
      return value;
    default:
      return value;
  }
}

function toRecord(t: Table, r: Record<string, unknown>): StoredRecord {
  const record: Record<string, unknown> = {};
  for (const c of t.mapping.columns) {
    if (!c.field) continue;
    const v = r[c.column];
    if (v === null) continue;
    record[c.field] = c.kind === 'time' ? (v as Date).toISOString() : v;
  }
  return record as unknown as StoredRecord;
}

/** What a connection error means to a caller: StoreUnavailable (503, try again); any other error as it is. */
export function unavailableOr(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const message = e.message ?? '';
  const connection =
    /^(08|57P|53)/.test(code) ||
    code === '57014' || // statement_timeout: the database is hung or a lock is held too long
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code) ||
    /timeout|Connection terminated|connection error|Client was closed|not queryable/i.test(message);
  if (!connection) return err;
  return new StoreUnavailable(`The control plane's database cannot be reached right now (${message || code}). Try again in a few seconds.`);
}

/** pg settings from the URL and the time-outs: nothing waits longer than connectTimeoutMs + queryTimeoutMs. */
export function connectionConfig(databaseUrl: string, t: { connectTimeoutMs: number; queryTimeoutMs: number }) {
  return {
    connectionString: databaseUrl,
    connectionTimeoutMillis: t.connectTimeoutMs,
    query_timeout: t.queryTimeoutMs,
    // The server gives up too, so a query cut by the client does not keep running there.
    statement_timeout: t.queryTimeoutMs,
    keepAlive: true,
    application_name: 'choreo-control-plane',
  };
}
