/**
 * In-memory records and indexes of every collection. The file store keeps the whole data set here (it is small:
 * 10,000 components are a few megabytes) and uses the journal only for durability.
 */
import { CollectionSpec, CheckFailed, MissingRecord, PageRequest, PageResult, StoredRecord, UniqueViolation, WriteOp } from './store';

interface Collection {
  spec: CollectionSpec;
  records: Map<string, StoredRecord>;
  unique: Map<string, Map<string, string>>;
  lookup: Map<string, Map<string, Set<string>>>;
  /** group → sorted array of [sortKey, id]; sort keys are unique within a group in our data (handles, names). */
  ordered: Map<string, Array<[string, string]>>;
}

export class MemoryIndex {
  private readonly collections = new Map<string, Collection>();

  constructor(specs: CollectionSpec<any>[]) {
    for (const spec of specs) {
      this.collections.set(spec.name, {
        spec,
        records: new Map(),
        unique: new Map(Object.keys(spec.unique ?? {}).map((k) => [k, new Map()])),
        lookup: new Map(Object.keys(spec.lookup ?? {}).map((k) => [k, new Map()])),
        ordered: new Map(),
      });
    }
  }

  private coll(name: string): Collection {
    const c = this.collections.get(name);
    if (!c) throw new Error(`Unknown collection "${name}"`);
    return c;
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  get(collection: string, id: string): StoredRecord | undefined {
    return this.coll(collection).records.get(id);
  }

  all(collection: string): IterableIterator<StoredRecord> {
    return this.coll(collection).records.values();
  }

  findUnique(collection: string, index: string, key: string): StoredRecord | undefined {
    const c = this.coll(collection);
    const id = c.unique.get(index)?.get(key);
    return id === undefined ? undefined : c.records.get(id);
  }

  findAll(collection: string, index: string, key: string): StoredRecord[] {
    const c = this.coll(collection);
    const ids = c.lookup.get(index)?.get(key);
    return ids ? [...ids].map((id) => c.records.get(id)!) : [];
  }

  page(collection: string, req: PageRequest): PageResult<StoredRecord> {
    const c = this.coll(collection);
    const list = c.ordered.get(req.group) ?? [];
    const prefix = req.prefix ?? '';
    const from = req.after !== undefined && req.after >= prefix ? req.after : prefix;
    let i = lowerBound(list, from);
    if (req.after !== undefined && i < list.length && list[i][0] === req.after) i++;
    const items: StoredRecord[] = [];
    for (; i < list.length; i++) {
      const [key, id] = list[i];
      if (!key.startsWith(prefix)) break;
      const record = c.records.get(id)!;
      if (req.filter && !req.filter(record)) continue;
      if (items.length === req.limit) return { items, last: items.length ? sortKeyOf(c, items[items.length - 1]) : undefined };
      items.push(record);
    }
    return { items };
  }

  /** Checks every operation of the batch against the current state, without changing anything. Throws
   * UniqueViolation, MissingRecord or CheckFailed. Applying a checked batch cannot fail. */
  check(ops: WriteOp[]): void {
    // Keys freed and taken within the batch itself, so that a batch may delete a record and re-create its key.
    const taken = new Map<string, string>();
    const freed = new Set<string>();
    const deleted = new Set<string>();
    for (const op of ops) {
      const c = this.coll(op.collection);
      if (op.op === 'delete') {
        deleted.add(`${op.collection}\0${op.id}`);
        const old = c.records.get(op.id);
        if (old)
          for (const [name, fn] of Object.entries(c.spec.unique ?? {})) {
            const k = fn(old);
            if (k !== undefined) freed.add(`${op.collection}\0${name}\0${k}`);
          }
      } else if (op.op === 'require') {
        if (!c.records.has(op.id) || deleted.has(`${op.collection}\0${op.id}`)) throw new MissingRecord(op.collection, op.id);
      } else if (op.op === 'check') {
        const record = deleted.has(`${op.collection}\0${op.id}`) ? undefined : (c.records.get(op.id) as Record<string, unknown> | undefined);
        if (!record || (op.field !== undefined && !op.oneOf?.includes(record[op.field] as string))) throw new CheckFailed(op.why);
      } else {
        const old = c.records.get(op.record.id);
        for (const [name, fn] of Object.entries(c.spec.unique ?? {})) {
          const key = fn(op.record);
          if (key === undefined) continue;
          const slot = `${op.collection}\0${name}\0${key}`;
          const holder = taken.get(slot) ?? (freed.has(slot) ? undefined : c.unique.get(name)!.get(key));
          if (holder !== undefined && holder !== op.record.id) throw new UniqueViolation(op.collection, name, key);
          if (old) {
            const oldKey = fn(old);
            if (oldKey !== undefined && oldKey !== key) freed.add(`${op.collection}\0${name}\0${oldKey}`);
          }
          taken.set(slot, op.record.id);
        }
      }
    }
  }

  apply(ops: WriteOp[]): void {
    for (const op of ops) {
      if (op.op === 'put') this.put(op.collection, op.record);
      else if (op.op === 'delete') this.delete(op.collection, op.id);
    }
  }

  private put(collection: string, record: StoredRecord): void {
    const c = this.coll(collection);
    if (c.records.has(record.id)) this.delete(collection, record.id);
    c.records.set(record.id, record);
    for (const [name, fn] of Object.entries(c.spec.unique ?? {})) {
      const key = fn(record);
      if (key !== undefined) c.unique.get(name)!.set(key, record.id);
    }
    for (const [name, fn] of Object.entries(c.spec.lookup ?? {})) {
      const m = c.lookup.get(name)!;
      const key = fn(record);
      let set = m.get(key);
      if (!set) m.set(key, (set = new Set()));
      set.add(record.id);
    }
    if (c.spec.ordered) {
      const group = c.spec.ordered.group(record);
      const key = c.spec.ordered.sort(record);
      let list = c.ordered.get(group);
      if (!list) c.ordered.set(group, (list = []));
      list.splice(lowerBound(list, key), 0, [key, record.id]);
    }
  }

  private delete(collection: string, id: string): void {
    const c = this.coll(collection);
    const record = c.records.get(id);
    if (!record) return;
    c.records.delete(id);
    for (const [name, fn] of Object.entries(c.spec.unique ?? {})) {
      const key = fn(record);
      if (key !== undefined && c.unique.get(name)!.get(key) === id) c.unique.get(name)!.delete(key);
    }
    for (const [name, fn] of Object.entries(c.spec.lookup ?? {})) {
      const m = c.lookup.get(name)!;
      const key = fn(record);
      const set = m.get(key);
      set?.delete(id);
      if (set?.size === 0) m.delete(key);
    }
    if (c.spec.ordered) {
      const group = c.spec.ordered.group(record);
      const list = c.ordered.get(group);
      if (list) {
        const key = c.spec.ordered.sort(record);
        for (let i = lowerBound(list, key); i < list.length && list[i][0] === key; i++) {
          if (list[i][1] === id) {
            list.splice(i, 1);
            break;
          }
        }
        if (list.length === 0) c.ordered.delete(group);
      }
    }
  }
}

function sortKeyOf(c: Collection, record: StoredRecord): string {
  return c.spec.ordered!.sort(record);
}

/** First index whose key is >= `key` (plain UTF-16 code unit order, the same as the cursor comparison). */
function lowerBound(list: Array<[string, string]>, key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid][0] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
