/**
 * How each collection of the Store maps onto its PostgreSQL table (created by migrations.ts), derived from the
 * collection's declaration (store/collection.ts): a column per record field, the Store's unique indexes as UNIQUE
 * indexes over columns, lookups and the ordered list as plain indexes. test/controlPlane/team/schema.test.ts checks
 * the migrations make exactly this.
 *
 * The Store addresses an index by a key string, its parts joined by '/' (`${orgId}/${handle}`; one joins them with
 * `>` too); here each index names the columns those parts are. The leading parts are always ids (UUIDs, which hold no
 * `/` or `>`), so a key splits unambiguously at its first separators and the last column takes the rest.
 *
 * Columns whose value the Store's key functions compute (a lower-cased name) are written by the store from those
 * functions, not by SQL's lower(), whose case mapping depends on the database's locale and differs from JavaScript's.
 */
import { connectionCollection } from '../../connections/records';
import { coreCollections } from '../../domain/records';
import { memberCollections } from '../../members/records';
import { idpCollections } from '../../idp/records';
import { type DeclaredCollection, type FieldKind, type IndexDecl } from '../collection';

export type ColumnKind = FieldKind;

export interface Column {
  column: string;
  /** The record field it holds; absent for a key column computed from the record (`derive`). */
  field?: string;
  kind: ColumnKind;
  /** The field may be absent (NULL in the table). */
  optional?: boolean;
  derive?: (record: any) => unknown;
}

export interface IndexColumns {
  columns: string[];
  /** Extra condition of a partial index (the Store's key function answers undefined for the other rows). */
  where?: string;
  /** The key function writes '' for a record whose (last) column is NULL (an absent optional field): '' finds those. */
  emptyIsNull?: boolean;
}

export interface TableMapping {
  table: string;
  columns: Column[];
  /** Store index name → the columns of its UNIQUE index, named `<table>_<index>_key` in the schema. */
  unique: Record<string, IndexColumns>;
  lookup: Record<string, IndexColumns>;
  /** group column (none: one list of the whole table) and sort column of the Store's ordered list. */
  ordered?: { group?: string; sort: string };
}

/** organizationId → organization_id: the names of tables, columns and indexes. */
export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The table of a declared collection: its name in snake_case; a column per field (id first) and per computed part
 * (text, written by the store from the same function the file store's index uses), the indexes over them. */
export function tableFor(c: DeclaredCollection): TableMapping {
  const columnOf = (part: string) => (part in c.computed ? snakeCase(part) : (c.fields[part].column ?? snakeCase(part)));
  const sqlOf = (only: NonNullable<IndexDecl<string, unknown>['only']>) =>
    'equals' in only ? `${columnOf(only.field)} = '${only.equals.replace(/'/g, "''")}'` : `${columnOf(only.field)} IS ${only.present ? 'NOT ' : ''}NULL`;
  const index = ({ parts, only }: IndexDecl<string, unknown>): IndexColumns => {
    const last = parts[parts.length - 1];
    return {
      columns: parts.map(columnOf),
      ...(only && { where: sqlOf(only) }),
      ...(c.fields[last]?.optional && { emptyIsNull: true }),
    };
  };
  const map = (indexes: Record<string, IndexDecl<string, unknown>>) => Object.fromEntries(Object.entries(indexes).map(([name, d]) => [name, index(d)]));
  const { ordered } = c.indexes;
  return {
    table: snakeCase(c.name),
    columns: [
      { column: 'id', field: 'id', kind: 'uuid' },
      ...Object.entries(c.fields).map(([field, f]): Column => ({ column: columnOf(field), field, kind: f.kind, optional: f.optional })),
      ...Object.entries(c.computed).map(([part, derive]): Column => ({ column: snakeCase(part), kind: 'text', derive })),
    ],
    unique: map(c.indexes.unique),
    lookup: map(c.indexes.lookup),
    ordered: ordered && { group: ordered.group && columnOf(ordered.group), sort: columnOf(ordered.sort) },
  };
}

/** Every collection the control plane stores, by name: what an export holds and an import may write. */
export const tables: Record<string, TableMapping> = Object.fromEntries(
  [...coreCollections, connectionCollection, ...memberCollections, ...idpCollections].map((c) => [c.name, tableFor(c)]),
);

/** The name of the UNIQUE index behind a Store unique index (what PostgreSQL reports as the violated constraint). */
export const uniqueIndexName = (mapping: TableMapping, index: string) => `${mapping.table}_${snakeCase(index)}_key`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The column values a Store key stands for (null: the column is NULL, see emptyIsNull); undefined when it cannot name a
 * row (an id part that is no UUID). */
export function splitKey(mapping: TableMapping, index: IndexColumns, key: string): unknown[] | undefined {
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < index.columns.length - 1; i++) {
    const at = rest.search(/[/>]/);
    if (at === -1) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  const values: unknown[] = parts;
  for (let i = 0; i < parts.length; i++) {
    if (index.emptyIsNull && i === parts.length - 1 && parts[i] === '') values[i] = null;
    else if (columnKind(mapping, index.columns[i]) === 'uuid' && !UUID.test(parts[i])) return undefined;
  }
  return values;
}

export const columnKind = (mapping: TableMapping, column: string) => mapping.columns.find((c) => c.column === column)!.kind;

export const isUuid = (text: string) => UUID.test(text);
