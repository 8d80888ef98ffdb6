/**
 * The control plane's storage, behind an interface so that a PostgreSQL-backed store for a team server can replace
 * the file store without touching routes or domain rules.
 *
 * The model is deliberately small: named collections of JSON records keyed by `id`, with
 * - unique indexes (a key computed from a record; a write that would duplicate one fails with UniqueViolation,
 *   which a SQL store maps to a UNIQUE constraint), and
 * - one ordered index per collection (records grouped by a parent key and sorted by a name), which serves the
 *   paged, prefix-filtered lists of the management API.
 * A write is a batch of operations applied atomically; the promise resolves only once the batch is durable.
 */

export interface StoredRecord {
  id: string;
}

/** A collection's indexes as key functions. The control plane's collections are declared with collection()
 * (collection.ts), which derives these from the declared parts, as it derives the PostgreSQL table. */
export interface CollectionSpec<T extends StoredRecord = StoredRecord> {
  name: string;
  /** Unique indexes: index name → key of a record. A record for which the key function returns undefined is not
   * in that index. */
  unique?: Record<string, (record: T) => string | undefined>;
  /** Lists: records grouped by `group` (e.g. the parent's id), sorted by `sort` (e.g. the handle). */
  ordered?: { group: (record: T) => string; sort: (record: T) => string };
  /** Non-unique lookups: index name → key (e.g. all auth configurations of a component). */
  lookup?: Record<string, (record: T) => string>;
}

export type WriteOp =
  | { op: 'put'; collection: string; record: StoredRecord }
  | { op: 'delete'; collection: string; id: string }
  /** The batch fails with MissingRecord unless this record exists (a foreign key, so that a component is never
   * written into a project deleted a moment before). */
  | { op: 'require'; collection: string; id: string }
  /** The batch fails with CheckFailed (its `why`) unless this record exists and, when `field` is given, that field
   * holds one of `oneOf`: a decision the batch was made under (the caller's role, members/access.ts), decided again
   * inside the write, so that a change committed meanwhile refuses the batch rather than slipping past it. */
  | { op: 'check'; collection: string; id: string; field?: string; oneOf?: readonly string[]; why: string };

export interface PageRequest {
  group: string;
  prefix?: string;
  /** Sort key of the last item of the previous page; the page starts after it. */
  after?: string;
  limit: number;
  filter?: (record: StoredRecord) => boolean;
}

export interface PageResult<T> {
  items: T[];
  /** Sort key of the last item when more items follow. */
  last?: string;
}

export interface Store {
  /** Grows with every write the store applies: a cache of something derived from the records stays valid while it
   * is unchanged (the gateway's decisions, for one). A store shared by several servers must grow it on their
   * writes too. */
  readonly generation: number;
  get<T extends StoredRecord>(collection: string, id: string): Promise<T | undefined>;
  findUnique<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T | undefined>;
  findAll<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T[]>;
  page<T extends StoredRecord>(collection: string, request: PageRequest): Promise<PageResult<T>>;
  /** Applies the operations atomically; resolves once they are durable, and readable through this store: a read
   * started after it resolves sees the write (or a newer one). */
  write(ops: WriteOp[]): Promise<void>;
  /** The record if the store can answer without waiting (it holds it, or knows it is absent), else NOT_IN_MEMORY:
   * the token endpoint's hot path takes the synchronous answer and awaits findUnique only for the rest. */
  findUniqueNow<T extends StoredRecord>(collection: string, index: string, key: string): T | undefined | typeof NOT_IN_MEMORY;
  /** Calls `listener` after every write that put or deleted a record of `collection`, once the write is applied
   * (readable), whether this server made it or, on a store several servers share, another did: what a server
   * derives from a whole collection (the gateway's issuer list) is rebuilt then, on every server alike.
   * Promised, and no more: the listener is called once for each such write (several writes may reach another server
   * together, each still calling it), and a read it starts sees that write or a newer state, never an older one. When
   * its read runs is not promised: later writes may already be in what it reads, so it must read the state it needs
   * rather than expect the one the write left. */
  onChange(collection: string, listener: () => void): void;
  /** Whether the store can serve everything; 'degraded' with a reason a person can act on when it cannot. */
  health(): StoreHealth;
  close(): Promise<void>;
}

/** Listeners per name: those of Store.onChange, per collection (and the team store's notices, per kind). */
export class ChangeListeners {
  private readonly byCollection = new Map<string, Array<() => void>>();

  add(collection: string, listener: () => void): void {
    const list = this.byCollection.get(collection) ?? [];
    list.push(listener);
    this.byCollection.set(collection, list);
  }

  /** Calls the listeners of each collection named (each collection once, however many records of it changed). */
  emit(collections: Iterable<string>): void {
    for (const c of new Set(collections)) for (const l of this.byCollection.get(c) ?? []) l();
  }

  /** Calls every listener (a change too wide to list: everything may have changed). */
  emitAll(): void {
    this.emit(this.byCollection.keys());
  }
}

export const NOT_IN_MEMORY: unique symbol = Symbol('not in memory');

export type StoreHealth = { status: 'ok' } | { status: 'degraded'; reason: string };

export class UniqueViolation extends Error {
  constructor(
    readonly collection: string,
    readonly index: string,
    readonly key: string,
  ) {
    super(`${collection}: ${index} "${key}" is taken`);
  }
}

export class MissingRecord extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`${collection}: ${id} does not exist`);
  }
}

/** A `check` op of the batch no longer holds: nothing was written. The message says what changed. */
export class CheckFailed extends Error {}

/** The store cannot be reached right now (its database is down, hung or out of connections): try again shortly.
 * Nothing was written. */
export class StoreUnavailable extends Error {
  constructor(
    message: string,
    /** Seconds after which a retry makes sense. */
    readonly retryAfter = 2,
  ) {
    super(message);
  }
}

/** The batch lost a race with another write that the store only saw at commit (a record gained a dependent while
 * being deleted): nothing was written; reading again and retrying resolves it. */
export class WriteConflict extends Error {}
