/**
 * One declaration per stored collection: its fields (each with the kind of value it holds), the values its indexes
 * are computed from, and its indexes as lists of those parts. Everything else is derived from it:
 * - the record's type (StoredAs), so a field is declared once, with its comment;
 * - the Store's key functions (CollectionSpec), which the file store's in-memory indexes use: an index key is its
 *   parts joined by '/' (indexKey);
 * - the PostgreSQL table mapping (store/postgres/tables.ts): a column per field and per computed part, the indexes
 *   over those columns.
 * The database's schema comes from migrations (store/postgres/migrations.ts), which never change once shipped: a new
 * field is one line here plus one migration that adds its column, and test/controlPlane/team/schema.test.ts compares
 * the two on a migrated database.
 */
import type { CollectionSpec, StoredRecord } from './store';

export type FieldKind = 'uuid' | 'text' | 'bool' | 'int' | 'json' | 'time';

export interface Field<T = unknown, Optional extends boolean = boolean> {
  readonly kind: FieldKind;
  /** The field may be absent (NULL in the table). */
  readonly optional: Optional;
  /** The column's name, where it is not the field's name in snake_case. */
  readonly column?: string;
  /** Carries the value's type; never set. */
  readonly type?: T;
}

const kind =
  <T>(k: FieldKind) =>
  (): Field<T, false> => ({ kind: k, optional: false });

export const uuid = kind<string>('uuid');
export function text(): Field<string, false>;
/** Text that holds one of these values. */
export function text<T extends string>(): Field<T, false>;
export function text(): Field<string, false> {
  return { kind: 'text', optional: false };
}
export const bool = kind<boolean>('bool');
export const int = kind<number>('int');
export const json = <T>(): Field<T, false> => ({ kind: 'json', optional: false });
/** An ISO timestamp as toISOString() writes it. */
export const time = kind<string>('time');
export const optional = <T>(field: Field<T, false>): Field<T, true> => ({ ...field, optional: true });
/** A field stored under another column name (one SQL reserves, say). */
export const inColumn = <F extends Field>(column: string, field: F): F => ({ ...field, column });

export type Fields = Record<string, Field<unknown, boolean>>;
type ValueOf<F> = F extends Field<infer T, boolean> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The record a collection with these fields stores (every record has its `id`, a UUID). */
export type RecordOf<F extends Fields> = Simplify<
  StoredRecord & { [K in keyof F as F[K] extends Field<any, false> ? K : never]: ValueOf<F[K]> } & {
    [K in keyof F as F[K] extends Field<any, true> ? K : never]?: ValueOf<F[K]>;
  }
>;

/** A unique index that holds only some records (the others' key is undefined; in SQL, a partial index). */
export type Only<F> = { field: keyof F & string } & ({ equals: string } | { present: boolean });

export interface IndexDecl<P extends string, F> {
  parts: P[];
  only?: Only<F>;
  /** What joins each part to the next, where not '/' (a key of another form kept as it was: replicas of a version
   * before share these keys through the change log while a rolling upgrade runs). */
  separators?: Array<'/' | '>'>;
}

/** What an index is made of: fields and computed parts (named in `computed`, not inferred from the indexes). */
type Part<F, K extends string> = (keyof F & string) | NoInfer<K>;

export interface CollectionDecl<F extends Fields, K extends string> {
  name: string;
  fields: F;
  /** Index parts no field holds as such (a lower-cased name), computed from the record. */
  computed?: { [k in K]: (record: RecordOf<F>) => string };
  unique?: Record<string, Array<Part<F, K>> | IndexDecl<Part<F, K>, F>>;
  /** Non-unique lookups: an absent optional part is '' in the key (NULL in the table). */
  lookup?: Record<string, Array<Part<F, K>> | Omit<IndexDecl<Part<F, K>, F>, 'only'>>;
  /** The paged list: records grouped by `group` (none: one list of them all), sorted by `sort`. */
  ordered?: { group?: Part<F, K>; sort: Part<F, K> };
}

/** A declared collection: the Store's CollectionSpec (its key functions derived), with what it was derived from. */
export interface DeclaredCollection<R extends StoredRecord = any> extends CollectionSpec<R> {
  readonly fields: Fields;
  readonly computed: Record<string, (record: any) => string>;
  readonly indexes: {
    unique: Record<string, IndexDecl<string, any>>;
    lookup: Record<string, IndexDecl<string, any>>;
    ordered?: { group?: string; sort: string };
  };
}

/** The record type of a declared collection. */
export type StoredAs<C> = C extends DeclaredCollection<infer R> ? R : never;

/** The key of an index from its parts' values (what the key functions build; for the callers that look one up). */
export const indexKey = (...parts: string[]) => parts.join('/');

const holds = (only: Only<any>, record: Record<string, unknown>): boolean =>
  'equals' in only ? record[only.field] === only.equals : (record[only.field] !== undefined) === only.present;

export function collection<F extends Fields, K extends string = never>(decl: CollectionDecl<F, K>): DeclaredCollection<RecordOf<F>> {
  const computed: Record<string, (record: any) => string> = decl.computed ?? {};
  const known = new Set([...Object.keys(decl.fields), ...Object.keys(computed)]);
  const check = (index: string, parts: string[]) => {
    for (const p of parts) if (!known.has(p)) throw new Error(`${decl.name}: the index "${index}" names "${p}", which is neither a field nor computed.`);
  };
  const part = (p: string) => computed[p] ?? ((r: Record<string, unknown>) => (r[p] as string | undefined) ?? '');
  const keyOf = ({ parts, separators }: IndexDecl<string, unknown>) => {
    const fns = parts.map(part);
    if (!separators) return (r: any) => indexKey(...fns.map((f) => f(r)));
    return (r: any) => fns.map((f, i) => (i === 0 ? '' : separators[i - 1]) + f(r)).join('');
  };

  const unique: Record<string, IndexDecl<string, any>> = {};
  for (const [name, d] of Object.entries(decl.unique ?? {})) unique[name] = Array.isArray(d) ? { parts: d } : d;
  const lookup: Record<string, IndexDecl<string, any>> = {};
  for (const [name, d] of Object.entries(decl.lookup ?? {})) lookup[name] = Array.isArray(d) ? { parts: d } : d;
  for (const [name, d] of [...Object.entries(unique), ...Object.entries(lookup)]) check(name, d.parts);
  const ordered = decl.ordered as { group?: string; sort: string } | undefined;
  if (ordered) check('ordered', [ordered.sort, ...(ordered.group ? [ordered.group] : [])]);

  return {
    name: decl.name,
    fields: decl.fields,
    computed,
    indexes: { unique, lookup, ordered },
    unique: Object.fromEntries(
      Object.entries(unique).map(([name, d]) => {
        const key = keyOf(d);
        const only = d.only;
        return [name, only ? (r: any) => (holds(only, r) ? key(r) : undefined) : key];
      }),
    ),
    lookup: Object.fromEntries(Object.entries(lookup).map(([name, d]) => [name, keyOf(d)])),
    ordered: ordered && { group: ordered.group ? part(ordered.group) : () => '', sort: part(ordered.sort) },
  };
}
