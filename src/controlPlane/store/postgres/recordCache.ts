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
 * read stores its answer only if no change since it started named its key or one of its records (the recent
 * changes are remembered for that, up to RECENT of them; a read older than those stores nothing).
 */

const RECENT = 50_000;

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
  /** Key or record → epoch of the last change that named it; `order` lists them oldest first, to forget the oldest. */
  private readonly recent = new Map<string, number>();
  private readonly order: Array<[string, number]> = [];
  private orderStart = 0;
  /** Epochs before this one are forgotten (a clear, or trimmed from `recent`). */
  private knownSince = 0;

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
    if (this.maxEntries === 0 || this.changedSince(key, records, epoch)) return;
    this.drop(key);
    this.entries.set(key, { value, records });
    for (const r of records) {
      let keys = this.byRecord.get(r);
      if (keys === undefined) this.byRecord.set(r, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.maxEntries) this.drop(this.entries.keys().next().value as string);
  }

  private changedSince(key: string, records: string[], epoch: number): boolean {
    if (epoch === this.epoch) return false;
    if (epoch < this.knownSince) return true;
    if ((this.recent.get(key) ?? -1) > epoch) return true;
    for (const r of records) if ((this.recent.get(r) ?? -1) > epoch) return true;
    return false;
  }

  /** Drops every answer that holds the record, and the answers under `keys`. */
  invalidate(record: string, keys: readonly string[]): void {
    const epoch = ++this.epoch;
    const holding = this.byRecord.get(record);
    if (holding) for (const k of [...holding]) this.drop(k);
    for (const k of keys) this.drop(k);
    for (const name of [record, ...keys]) {
      this.recent.set(name, epoch);
      this.order.push([name, epoch]);
    }
    while (this.order.length - this.orderStart > RECENT) {
      const [name, at] = this.order[this.orderStart++];
      if (this.recent.get(name) === at) this.recent.delete(name);
      this.knownSince = at + 1;
    }
    if (this.orderStart > RECENT) {
      this.order.splice(0, this.orderStart);
      this.orderStart = 0;
    }
  }

  clear(): void {
    this.epoch++;
    this.knownSince = this.epoch;
    this.recent.clear();
    this.order.length = 0;
    this.orderStart = 0;
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
