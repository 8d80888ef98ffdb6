/**
 * Moving up from a local control plane to a team one: `export --data DIR` writes everything the data folder holds
 * (records with their ids and client IDs, client secret hashes, the signing keys, the admin token's hash) to one
 * file; `import --database-url …` writes that file into a team database in one transaction, refusing a database
 * that holds anything unless told to replace it. Nothing is re-made on the way: tokens already issued keep verifying
 * and consumers keep their credentials.
 *
 * The export holds private signing keys in clear: it is written with mode 0600, and is for carrying, not keeping.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADMIN_TOKEN_FILE } from '../http/auth';
import { SIGNING_KEYS_FILE, type StoredKey } from '../idp/signingKeys';
import { FileStore } from './fileStore';
import { EVERYTHING, type PostgresStore } from './postgres/postgresStore';
import { writeAllKeys } from './postgres/sharedSigningKeys';
import { tables } from './postgres/tables';
import type { CollectionSpec, StoredRecord, WriteOp } from './store';

export const EXPORT_FORMAT = 'choreo-control-plane-export/1';

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  collections: Record<string, StoredRecord[]>;
  signingKeys: StoredKey[];
  /** SHA-256 (hex) of the data folder's admin token, so the same token manages the team control plane. */
  adminTokenHashes: string[];
}

export async function exportDataFolder(dataDir: string, collections: CollectionSpec<any>[]): Promise<ExportFile> {
  const store = await FileStore.open({ dataDir, collections });
  try {
    const keysFile = path.join(dataDir, SIGNING_KEYS_FILE);
    const signingKeys = fs.existsSync(keysFile) ? (JSON.parse(fs.readFileSync(keysFile, 'utf8')).keys as StoredKey[]) : [];
    const tokenFile = path.join(dataDir, ADMIN_TOKEN_FILE);
    const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : '';
    return {
      format: EXPORT_FORMAT,
      exportedAt: new Date().toISOString(),
      collections: store.allRecords(),
      signingKeys,
      adminTokenHashes: token ? [createHash('sha256').update(token).digest('hex')] : [],
    };
  } finally {
    await store.close();
  }
}

export class DatabaseNotEmpty extends Error {}

export interface ImportResult {
  records: number;
  signingKeys: number;
}

/** Writes an export into the database in one transaction. */
export async function importIntoDatabase(store: PostgresStore, data: ExportFile, encryptionKey: Buffer, replace: boolean): Promise<ImportResult> {
  if (data.format !== EXPORT_FORMAT)
    throw new Error(`This file is not a control plane export of format ${EXPORT_FORMAT} (it says ${JSON.stringify(data.format)}).`);
  const resourceTables = Object.values(tables).map((t) => t.table);
  let records = 0;
  await store.transaction(async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM users) + (SELECT count(*) FROM signing_keys) + (SELECT count(*) FROM admin_tokens) AS n`,
    );
    if (Number(rows[0].n) > 0) {
      if (!replace) {
        throw new DatabaseNotEmpty(
          'The database already holds a control plane (organizations, people who signed in, signing keys or admin tokens). Import into an empty database, or pass --replace to delete what it holds first.',
        );
      }
      await client.query(`TRUNCATE ${[...resourceTables, 'signing_keys', 'admin_tokens'].join(', ')}`);
    }
    const ops: WriteOp[] = [];
    for (const [collection, list] of Object.entries(data.collections)) {
      if (!tables[collection])
        throw new Error(
          `The export has a collection "${collection}" this control plane does not know. Import with a control plane as new as the exporting one.`,
        );
      for (const record of list) ops.push({ op: 'put', collection, record });
    }
    records = ops.length;
    await store.writeIn(client, ops);
    await writeAllKeys(client, encryptionKey, data.signingKeys);
    for (const hash of data.adminTokenHashes) {
      await client.query('INSERT INTO admin_tokens (id, token_hash, created_at) VALUES (gen_random_uuid(), $1, now())', [Buffer.from(hash, 'hex')]);
    }
    return [{ n: EVERYTHING }];
  });
  return { records, signingKeys: data.signingKeys.length };
}
