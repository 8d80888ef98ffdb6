/**
 * The built-in identity provider's signing keys of a team control plane: in the database, shared by every replica
 * (they all sign with the active key and publish the same JWKS). A private key is stored encrypted with AES-256-GCM
 * under the operator's encryption key (given by file or environment, as Ory Hydra's system secret); the kid is the
 * additional authenticated data, so a ciphertext cannot be moved to another key's row. A replica without the right
 * key cannot decrypt them and refuses to start.
 *
 * A rotation through any replica is one transaction that logs the notice `signingKeys`; every replica reloads the
 * key set when the change feed brings it (within the feed's bound).
 */
import { createCipheriv, createDecipheriv, randomBytes, type JsonWebKey } from 'node:crypto';
import * as fs from 'node:fs';
import type { PoolClient } from 'pg';
import { newSigningKey, SigningKeys, type SigningKeyStorage, type StoredKey } from '../../idp/signingKeys';
import type { PostgresStore } from './postgresStore';

const NOTICE = 'signingKeys';
/** Serializes rotations (and the first key of a new database) across replicas. */
const ROTATION_LOCK = 7_480_017;

export const ENCRYPTION_KEY_ENV = 'CHOREO_ENCRYPTION_KEY';

/** The operator's key: 32 bytes as 64 hex digits or base64 / base64url. */
export function parseEncryptionKey(text: string, from: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new Error(`The encryption key from ${from} is not 32 bytes (64 hex digits, or base64). Make one with: openssl rand -hex 32`);
  }
  return key;
}

/** --encryption-key-file FILE, else the environment variable; refuses to go on without one. */
export function readEncryptionKey(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (file !== undefined) return parseEncryptionKey(fs.readFileSync(file, 'utf8'), file);
  const value = env[ENCRYPTION_KEY_ENV];
  if (value) return parseEncryptionKey(value, ENCRYPTION_KEY_ENV);
  throw new Error(
    `A team control plane needs the key its signing keys are encrypted with: give --encryption-key-file FILE or set ${ENCRYPTION_KEY_ENV} ` +
      '(32 bytes, e.g. from `openssl rand -hex 32`; every replica needs the same one, and it is not stored in the database).',
  );
}

export function encryptPrivateKey(key: Buffer, kid: string, jwk: JsonWebKey): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function decryptPrivateKey(key: Buffer, kid: string, blob: Buffer): JsonWebKey {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    return JSON.parse(Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]).toString('utf8'));
  } catch {
    throw new Error(
      `The encryption key does not open the signing key ${kid} in the database: it is not the key this database's signing keys were encrypted with. ` +
        'Give every replica the same key.',
    );
  }
}

interface KeyRow {
  kid: string;
  private_key_encrypted: Buffer;
  created_at: Date;
  retired_at: Date | null;
}

async function readKeys(query: (sql: string) => Promise<{ rows: KeyRow[] }>, key: Buffer): Promise<StoredKey[]> {
  const { rows } = await query('SELECT kid, private_key_encrypted, created_at, retired_at FROM signing_keys ORDER BY created_at, kid');
  return rows.map((r) => ({
    kid: r.kid,
    privateJwk: decryptPrivateKey(key, r.kid, r.private_key_encrypted),
    createdAt: r.created_at.toISOString(),
    ...(r.retired_at ? { retiredAt: r.retired_at.toISOString() } : {}),
  }));
}

async function insertKey(client: PoolClient, key: Buffer, k: StoredKey): Promise<void> {
  const { kty, crv, x, y } = k.privateJwk;
  await client.query('INSERT INTO signing_keys (kid, public_jwk, private_key_encrypted, created_at, retired_at) VALUES ($1, $2, $3, $4, $5)', [
    k.kid,
    JSON.stringify({ kty, crv, x, y }),
    encryptPrivateKey(key, k.kid, k.privateJwk),
    k.createdAt,
    k.retiredAt ?? null,
  ]);
}

/** Every key as stored, written as it is (export / import between stores). */
export async function writeAllKeys(client: PoolClient, key: Buffer, keys: StoredKey[]): Promise<void> {
  for (const k of keys) await insertKey(client, key, k);
}

function databaseKeyStorage(store: PostgresStore, key: Buffer, firstOnly = false): SigningKeyStorage {
  return {
    async rotate(_current, added, expired) {
      let stored: StoredKey[] = [];
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
        const keys = await readKeys((sql) => client.query<KeyRow>(sql), key);
        // The first key of a new database: another replica starting at the same moment may have made it.
        if (firstOnly && keys.some((k) => !k.retiredAt)) {
          stored = keys;
          return [];
        }
        const dropped = keys.filter(expired).map((k) => k.kid);
        if (dropped.length) await client.query('DELETE FROM signing_keys WHERE kid = ANY($1)', [dropped]);
        await client.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [added.createdAt]);
        await insertKey(client, key, added);
        stored = [...keys.filter((k) => !dropped.includes(k.kid)).map((k) => (k.retiredAt ? k : { ...k, retiredAt: added.createdAt })), added];
        return [{ n: NOTICE }];
      });
      return stored;
    },
  };
}

/** The database's key set (making the first key of a new database), kept up to date with rotations by any replica. */
export async function sharedSigningKeys(store: PostgresStore, key: Buffer, now: () => number = Date.now): Promise<SigningKeys> {
  let keys = await readKeys((sql) => store.pool.query<KeyRow>(sql), key);
  if (!keys.some((k) => !k.retiredAt)) {
    keys = await databaseKeyStorage(store, key, true).rotate([], newSigningKey(now), () => false);
  }
  const signingKeys = new SigningKeys(databaseKeyStorage(store, key), keys, now);
  const reload = () => {
    readKeys((sql) => store.pool.query<KeyRow>(sql), key).then(
      (k) => signingKeys.replace(k),
      // The poll brings the notice again only after a reset; until the database answers, the keys in memory serve.
      (err: Error) => {
        console.error(`control plane: could not reload the signing keys (${err.message}); retrying`);
        setTimeout(reload, 500).unref();
      },
    );
  };
  store.onNotice(NOTICE, reload);
  return signingKeys;
}
