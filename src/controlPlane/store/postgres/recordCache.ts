/**
 * A replica's memory of what it has read: answers of get / findUnique / findAll (absent records too), least recently
 * used first out once `maxEntries` is reached. Bounded: at most maxEntries answers, and the index from records to the
 * answers that hold them holds only records of those answers.
 *
 * Kept right by the change feed: a change names the record (collection, id) and the cache keys its new version
 * answers (its unique and lookup keys). Every answer holding the record, and every answer under those keys (an
 * absent record that now exists, a list it joined), is dropped.
 *
 * A read that raced a change must not store what it read before the change: `epoch` grows with every change, and a
 * read stores its answer only if the epoch is the one it started in.
 */

interface Entry {
  value: unknown;
  /** `collection\x1fid` of the records in the answer. */
  records: string[];
}

export class RecordCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byRecord = new Map<string, Set<string>>();
  /** Grows with every invalidation (the store's generation). */
  epoch = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer ({ value }), or undefined when there is none. A hit becomes the most recently used. */
  get(key: string): { value: unknown } | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Map keeps insertion order: re-inserting makes it the newest. Skipped when it is the newest already.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Stores an answer read while the epoch was `epoch`; ignored if a change came meanwhile. */
  set(key: string, value: unknown, records: string[], epoch: number): void {
    if (epoch !== this.epoch || this.maxEntries === 0) return;
    this.drop(key);
    this.entries.set(key, { value, records });
    for (const r of records) {
      let keys = this.byRecord.get(r);
      if (keys === undefined) this.byRecord.set(r, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.maxEntries) this.drop(this.entries.keys().next().value as string);
  }

  /** Drops every answer that holds the record, and the answers under `keys`. */
  invalidate(record: string, keys: readonly string[]): void {
    this.epoch++;
    const holding = this.byRecord.get(record);
    if (holding) for (const k of [...holding]) this.drop(k);
    for (const k of keys) this.drop(k);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byRecord.clear();
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    for (const r of e.records) {
      const keys = this.byRecord.get(r);
      keys?.delete(key);
      if (keys?.size === 0) this.byRecord.delete(r);
    }
  }
}

export const recordRef = (collection: string, id: string) => `${collection}\x1f${id}`;
export const getKey = (collection: string, id: string) => `g\x1f${collection}\x1f${id}`;
export const uniqueKey = (collection: string, index: string, key: string) => `u\x1f${collection}\x1f${index}\x1f${key}`;
export const lookupKey = (collection: string, index: string, key: string) => `l\x1f${collection}\x1f${index}\x1f${key}`;
