/**
 * The declarations of the stored collections (store/collection.ts, in domain/, connections/ and members/records.ts)
 * against the database the migrations make: every field and computed part has its column, of its type and
 * nullability; every column of a declared table is declared; every unique index is the UNIQUE index the store maps a
 * violation from; every lookup and list is served by an index; the columns those use sort bytewise (COLLATE "C", as
 * the store's paging and prefix ranges assume). A field declared with no migration that adds its column fails here,
 * not at the first write of a team server.
 */
import * as assert from 'node:assert/strict';
import { Pool } from 'pg';
import { C } from '../../../src/controlPlane/domain/records';
import { migrate } from '../../../src/controlPlane/store/postgres/migrations';
import { tables, uniqueIndexName, type ColumnKind, type TableMapping } from '../../../src/controlPlane/store/postgres/tables';
import { sharedCluster, sql } from '../helpers/postgres';

const SQL_TYPE: Record<ColumnKind, string> = {
  uuid: 'uuid',
  text: 'text',
  bool: 'boolean',
  int: 'integer',
  json: 'jsonb',
  time: 'timestamp with time zone',
};

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  collation_name: string | null;
}
interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  columns: string[];
  predicate: string | null;
}

/** `(kind = 'built-in'::text)` → `kind = 'built-in'`: PostgreSQL's form of a partial index's condition, as declared. */
const plain = (predicate: string | null) => predicate?.replace(/::text/g, '').replace(/^\((.*)\)$/, '$1');

/** What differs between the mappings and the database's schema; one line each, empty when they agree. */
async function schemaDifferences(url: string, mappings: TableMapping[]): Promise<string[]> {
  const columns = await sql<DbColumn>(
    url,
    `SELECT table_name, column_name, data_type, is_nullable, collation_name FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const indexes = await sql<DbIndex>(
    url,
    `SELECT t.relname AS table, c.relname AS name, ix.indisunique AS unique, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
       (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS columns
     FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = 'public'`,
  );
  const out: string[] = [];
  for (const m of mappings) {
    const inDb = new Map(columns.filter((c) => c.table_name === m.table).map((c) => [c.column_name, c]));
    if (inDb.size === 0) {
      out.push(`table ${m.table}: not in the database (no migration creates it)`);
      continue;
    }
    for (const col of m.columns) {
      const db = inDb.get(col.column);
      const what = `${m.table}.${col.column}${col.field ? ` (field ${col.field})` : ' (computed)'}`;
      if (!db) out.push(`${what}: no such column (no migration adds it)`);
      else {
        if (db.data_type !== SQL_TYPE[col.kind]) out.push(`${what}: the column is ${db.data_type}, the declaration says ${col.kind}`);
        if ((db.is_nullable === 'YES') !== Boolean(col.optional))
          out.push(
            `${what}: the column is ${db.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'}, the declaration says ${col.optional ? 'optional' : 'required'}`,
          );
      }
    }
    for (const name of inDb.keys()) if (!m.columns.some((c) => c.column === name)) out.push(`${m.table}.${name}: in the database but in no declaration`);

    const onTable = indexes.filter((i) => i.table === m.table);
    const indexed = new Set<string>();
    for (const [index, cols] of Object.entries(m.unique)) {
      const name = uniqueIndexName(m, index);
      const db = onTable.find((i) => i.name === name);
      cols.columns.forEach((c) => indexed.add(c));
      if (!db || !db.unique) out.push(`${m.table}: unique index "${index}" has no UNIQUE index ${name}`);
      else if (db.columns.join() !== cols.columns.join() || plain(db.predicate) !== cols.where) {
        out.push(`${m.table}: ${name} is on (${db.columns}) where ${db.predicate}; the declaration says (${cols.columns}) where ${cols.where}`);
      }
    }
    const served = (wanted: string[]) => onTable.some((i) => i.predicate === null && wanted.every((c, n) => i.columns[n] === c));
    const lists: Array<[string, string[]]> = [
      ...Object.entries(m.lookup).map(([index, cols]): [string, string[]] => [`lookup "${index}"`, cols.columns]),
      ...(m.ordered ? [['the ordered list', [...(m.ordered.group ? [m.ordered.group] : []), m.ordered.sort]] as [string, string[]]] : []),
    ];
    for (const [what, wanted] of lists) {
      wanted.forEach((c) => indexed.add(c));
      if (!served(wanted)) out.push(`${m.table}: ${what} on (${wanted}) is served by no index that starts with those columns`);
    }
    for (const c of indexed) {
      const db = inDb.get(c);
      if (db?.data_type === 'text' && db.collation_name !== 'C') out.push(`${m.table}.${c}: an index column of text not COLLATE "C"`);
    }
  }
  return out;
}

describe('team store: the declared collections and the migrated schema', function () {
  this.timeout(60_000);
  let url: string;

  before(async () => {
    url = await (await sharedCluster()).createDatabase('schema');
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
  });

  it('has a column of the declared type and nullability for every field, an index for every index, and nothing undeclared', async () => {
    assert.deepEqual(await schemaDifferences(url, Object.values(tables)), []);
  });

  it('names a field declared without the migration that adds its column, and a column no declaration has', async () => {
    const orgs = tables[C.orgs];
    const declaredOnly: TableMapping = { ...orgs, columns: [...orgs.columns, { column: 'tagline', field: 'tagline', kind: 'text', optional: true }] };
    assert.deepEqual(await schemaDifferences(url, [declaredOnly]), ['organizations.tagline (field tagline): no such column (no migration adds it)']);
    const forgotten: TableMapping = { ...orgs, columns: orgs.columns.filter((c) => c.column !== 'created_at') };
    assert.deepEqual(await schemaDifferences(url, [forgotten]), ['organizations.created_at: in the database but in no declaration']);
  });
});
