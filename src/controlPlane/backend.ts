/**
 * What a control plane runs on: a data folder (the file store, signing-keys.json, the admin-token file: the local
 * control plane and a single-machine server), or a team database (PostgreSQL: the records, the encrypted signing
 * keys and the admin token hashes, shared by any number of replicas).
 */
import type { CollectionSpec, Store } from './store/store';
import { AdminTokenAuthenticator, loadOrCreateAdminToken, type Authenticator } from './http/auth';
import { SigningKeys } from './idp/signingKeys';
import { FileStore } from './store/fileStore';
import { DatabaseAdminTokens } from './store/postgres/adminTokens';
import { PostgresStore, type PostgresStoreOptions } from './store/postgres/postgresStore';
import { sharedSigningKeys } from './store/postgres/sharedSigningKeys';

export type TeamDatabase = Omit<PostgresStoreOptions, 'collections'> & {
  /** The operator's key that the signing keys are encrypted with (sharedSigningKeys.ts). */
  encryptionKey: Buffer;
};

export type BackendOptions = { dataDir: string; compactBytes?: number } | { database: TeamDatabase };

export interface Backend {
  store: Store;
  signingKeys: SigningKeys;
  authenticators: Authenticator[];
  /** The data folder's admin token (file store only): the local server proves it holds it (api/identityProof.ts).
   * A team database keeps only hashes, and its replicas are found by URL, not by a port on this machine. */
  adminToken?: string;
  close(): Promise<void>;
}

export async function openBackend(options: BackendOptions, collections: CollectionSpec<any>[]): Promise<Backend> {
  if ('database' in options) {
    const { encryptionKey, ...db } = options.database;
    const store = await PostgresStore.open({ ...db, collections });
    try {
      return {
        store,
        signingKeys: await sharedSigningKeys(store, encryptionKey),
        authenticators: [await DatabaseAdminTokens.load(store)],
        close: () => store.close(),
      };
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  const store = await FileStore.open({
    dataDir: options.dataDir,
    collections,
    compactBytes: options.compactBytes,
    onFatal: (err) => {
      console.error(`control plane: ${err.message}. Stopping: the data on disk may be behind what was answered.`);
      process.exit(70);
    },
  });
  try {
    const adminToken = loadOrCreateAdminToken(options.dataDir);
    return {
      store,
      signingKeys: SigningKeys.load(options.dataDir),
      authenticators: [new AdminTokenAuthenticator(adminToken)],
      adminToken,
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
