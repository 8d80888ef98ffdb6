/**
 * The default store: everything in memory, made durable by an append-only journal in the data folder.
 *
 * - journal: one line per write batch, `<checksum> <json>\n`, where the checksum is the first 16 hex digits of the
 *   SHA-256 of the JSON. A batch is acknowledged only after its line is written and fdatasync'ed. Batches that
 *   arrive while a sync is running are written together and share the next sync (group commit).
 * - snapshot.json: the whole state as of a batch sequence number, replaced atomically (temp file, fsync, rename,
 *   folder fsync) when the journal grows past a threshold; the journal is then emptied. Journal lines whose
 *   sequence number the snapshot already covers are skipped on replay, so a crash between the two steps is safe.
 * - On start: load the snapshot, replay the journal. A crash can only leave the LAST line torn or partial (lines are
 *   appended and synced in order); it is cut off. A bad line followed by good ones is real damage: refuse to start
 *   rather than silently drop acknowledged writes.
 *
 * No native modules: the control plane may run on the VS Code extension host's Electron build of Node.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomicSync } from './atomicFile';
import { checkDataFormat } from './dataFormat';
import { DataFolderLock, lockDataFolder } from './lock';
import { MemoryIndex } from './memoryIndex';
import { withChecks } from './writeChecks';
import { ChangeListeners, CollectionSpec, NOT_IN_MEMORY, PageRequest, PageResult, Store, StoreHealth, StoredRecord, WriteOp } from './store';

const JOURNAL = 'journal.jsonl';
const SNAPSHOT = 'snapshot.json';
const SNAPSHOT_FORMAT = 1;

export interface FileStoreOptions {
  dataDir: string;
  collections: CollectionSpec<any>[];
  /** Compact the journal into a snapshot once it is this large. */
  compactBytes?: number;
  /** Called when the disk refuses a write: the in-memory state may then be ahead of the disk, so the only safe
   * thing left is to stop the process (as databases do on fsync failure). */
  onFatal?: (err: Error) => void;
  /** The newest data folder format this build reads (tests pretend to be an older build). */
  dataFormat?: number;
}

export class StoreCorrupted extends Error {}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class FileStore implements Store {
  private seq = 0;
  private journalBytes = 0;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private failed: Error | undefined;
  private closed = false;
  private readonly changeListeners = new ChangeListeners();

  private constructor(
    private readonly dir: string,
    private readonly index: MemoryIndex,
    private readonly journal: fsp.FileHandle,
    private readonly lock: DataFolderLock,
    private readonly compactBytes: number,
    private readonly onFatal: (err: Error) => void,
  ) {}

  static async open(options: FileStoreOptions): Promise<FileStore> {
    const dir = path.resolve(options.dataDir);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lock = await lockDataFolder(dir);
    try {
      checkDataFormat(dir, options.dataFormat);
      const index = new MemoryIndex(options.collections);
      const snapshotSeq = loadSnapshot(dir, index);
      const { lastSeq, validBytes } = replayJournal(dir, index, snapshotSeq);
      const journal = await fsp.open(path.join(dir, JOURNAL), 'a', 0o600);
      const store = new FileStore(
        dir,
        index,
        journal,
        lock,
        options.compactBytes ?? 8 * 1024 * 1024,
        options.onFatal ??
          ((err) => {
            throw err;
          }),
      );
      store.seq = Math.max(snapshotSeq, lastSeq);
      store.journalBytes = validBytes;
      for (const f of fs.readdirSync(dir)) if (f.startsWith(`${SNAPSHOT}.tmp-`)) fs.rmSync(path.join(dir, f), { force: true });
      return store;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** The journal's sequence number: one more for every write applied. */
  get generation(): number {
    return this.seq;
  }

  async get<T extends StoredRecord>(collection: string, id: string): Promise<T | undefined> {
    return this.index.get(collection, id) as T | undefined;
  }

  async findUnique<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T | undefined> {
    return this.index.findUnique(collection, index, key) as T | undefined;
  }

  /** Synchronous lookup for the token endpoint's hot path (see idp/tokenEndpoint.ts): all is in memory. */
  findUniqueNow<T extends StoredRecord>(collection: string, index: string, key: string): T | undefined | typeof NOT_IN_MEMORY {
    return this.index.findUnique(collection, index, key) as T | undefined;
  }

  async findAll<T extends StoredRecord>(collection: string, index: string, key: string): Promise<T[]> {
    return this.index.findAll(collection, index, key) as T[];
  }

  async page<T extends StoredRecord>(collection: string, request: PageRequest): Promise<PageResult<T>> {
    return this.index.page(collection, request) as PageResult<T>;
  }

  write(batch: WriteOp[]): Promise<void> {
    const ops = withChecks(batch);
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    // Check and apply in the same tick: no other request can interleave between the uniqueness check and the
    // change, so two creates of the same name cannot both succeed. Readers may see the change a few milliseconds
    // before it is durable (while its sync runs); if the sync fails, onFatal stops the process, so nothing is ever
    // acknowledged that is not on disk.
    try {
      this.index.check(ops);
    } catch (err) {
      return Promise.reject(err);
    }
    this.index.apply(ops);
    const seq = ++this.seq;
    this.changeListeners.emit(ops.flatMap((op) => (op.op === 'put' || op.op === 'delete' ? [op.collection] : [])));
    // Checks were decided above; replaying them has nothing to decide.
    const json = JSON.stringify({ seq, ops: ops.filter((op) => op.op !== 'check') });
    const line = `${checksum(json)} ${json}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const buf = Buffer.from(batch.map((p) => p.line).join(''));
        try {
          await this.journal.write(buf);
          await this.journal.datasync();
        } catch (err) {
          this.fail(err as Error, batch);
          return;
        }
        this.journalBytes += buf.length;
        for (const p of batch) p.resolve();
        if (this.journalBytes >= this.compactBytes) {
          try {
            this.compact();
          } catch (err) {
            this.fail(err as Error, []);
            return;
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private fail(err: Error, batch: Pending[]): void {
    this.failed = new Error(`The data folder ${this.dir} refused a write: ${err.message}`);
    for (const p of [...batch, ...this.pending]) p.reject(this.failed);
    this.pending = [];
    this.onFatal(this.failed);
  }

  /** Writes the whole state as a snapshot and empties the journal. Synchronous so that no write slips in between. */
  compact(): void {
    const collections: Record<string, StoredRecord[]> = {};
    for (const name of this.index.collectionNames()) collections[name] = [...this.index.all(name)];
    writeFileAtomicSync(path.join(this.dir, SNAPSHOT), JSON.stringify({ format: SNAPSHOT_FORMAT, seq: this.seq, collections }));
    fs.ftruncateSync(this.journal.fd, 0);
    fs.fsyncSync(this.journal.fd);
    this.journalBytes = 0;
  }

  /** Every record of every collection (export to a team database). */
  allRecords(): Record<string, StoredRecord[]> {
    return Object.fromEntries(this.index.collectionNames().map((name) => [name, [...this.index.all(name)]]));
  }

  onChange(collection: string, listener: () => void): void {
    this.changeListeners.add(collection, listener);
  }

  health(): StoreHealth {
    return this.failed ? { status: 'degraded', reason: this.failed.message } : { status: 'ok' };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.journal.close();
    this.lock.release();
  }
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

function loadSnapshot(dir: string, index: MemoryIndex): number {
  const file = path.join(dir, SNAPSHOT);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let snap: { format: number; seq: number; collections: Record<string, StoredRecord[]> };
  try {
    snap = JSON.parse(text);
  } catch {
    throw new StoreCorrupted(`${file} is not valid JSON. Restore it from a backup, or move the data folder aside to start empty.`);
  }
  if (snap.format !== SNAPSHOT_FORMAT) {
    throw new StoreCorrupted(`${file} has format ${snap.format}; this control plane reads format ${SNAPSHOT_FORMAT}. Use a matching version.`);
  }
  const known = new Set(index.collectionNames());
  for (const [name, records] of Object.entries(snap.collections)) {
    if (!known.has(name)) continue; // A collection this version no longer has.
    index.apply(records.map((record) => ({ op: 'put' as const, collection: name, record })));
  }
  return snap.seq;
}

function replayJournal(dir: string, index: MemoryIndex, snapshotSeq: number): { lastSeq: number; validBytes: number } {
  const file = path.join(dir, JOURNAL);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastSeq: 0, validBytes: 0 };
    throw err;
  }
  const known = new Set(index.collectionNames());
  let offset = 0;
  let lastSeq = 0;
  let badAt: number | undefined;
  let lineNo = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(0x0a, offset);
    if (nl === -1) {
      badAt ??= offset; // A partial last line: the crash came mid-append.
      break;
    }
    lineNo++;
    const entry = parseLine(buf.subarray(offset, nl).toString('utf8'));
    if (!entry) {
      badAt ??= offset;
    } else if (badAt !== undefined) {
      throw new StoreCorrupted(
        `${file} is damaged at line ${lineNo - 1}, before writes that were acknowledged. ` +
          'Restore the data folder from a backup; the control plane will not drop acknowledged writes silently.',
      );
    } else {
      if (entry.seq > snapshotSeq) {
        index.apply(entry.ops.filter((op) => known.has(op.collection)));
      }
      lastSeq = entry.seq;
    }
    offset = nl + 1;
  }
  if (badAt !== undefined) {
    // Cut the torn tail: that batch was never acknowledged (its sync had not returned).
    const fd = fs.openSync(file, 'r+');
    try {
      fs.ftruncateSync(fd, badAt);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return { lastSeq, validBytes: badAt };
  }
  return { lastSeq, validBytes: buf.length };
}

function parseLine(line: string): { seq: number; ops: WriteOp[] } | undefined {
  const space = line.indexOf(' ');
  if (space !== 16) return undefined;
  const json = line.slice(17);
  if (checksum(json) !== line.slice(0, 16)) return undefined;
  try {
    const entry = JSON.parse(json);
    return typeof entry.seq === 'number' && Array.isArray(entry.ops) ? entry : undefined;
  } catch {
    return undefined;
  }
}
