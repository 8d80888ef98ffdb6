/**
 * Admin tokens of a team control plane: only their SHA-256 is in the database. `control-plane admin-token` makes one
 * and prints it once; every replica keeps the set of hashes in memory (it is tiny) and reloads it when the change
 * feed brings the notice `adminTokens`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Authenticator, Principal } from '../../http/auth';
import type { PostgresStore } from './postgresStore';

const NOTICE = 'adminTokens';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Makes a new admin token; the caller prints it (it is nowhere else). */
export async function createAdminToken(store: PostgresStore): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.transaction(async (client) => {
    await client.query('INSERT INTO admin_tokens (id, token_hash, created_at) VALUES ($1, $2, now())', [randomUUID(), sha256(token)]);
    return [{ n: NOTICE }];
  });
  return token;
}

export class DatabaseAdminTokens implements Authenticator {
  private hashes = new Set<string>();

  private constructor(private readonly store: PostgresStore) {}

  /** Loads the hashes; refuses a database with no admin token (nobody could manage it). */
  static async load(store: PostgresStore): Promise<DatabaseAdminTokens> {
    const tokens = new DatabaseAdminTokens(store);
    await tokens.reload();
    if (tokens.hashes.size === 0) {
      throw new Error(
        'The database has no admin token yet. Make one with `control-plane admin-token --database-url …` (it is printed once), then start again.',
      );
    }
    store.onNotice(NOTICE, () => {
      tokens.reload().catch((err: Error) => console.error(`control plane: could not reload the admin tokens (${err.message})`));
    });
    return tokens;
  }

  private async reload(): Promise<void> {
    const { rows } = await this.store.pool.query<{ token_hash: Buffer }>('SELECT token_hash FROM admin_tokens');
    this.hashes = new Set(rows.map((r) => r.token_hash.toString('hex')));
  }

  authenticate(token: string): Principal | undefined {
    // A lookup by the digest: what it could leak about timing is the digest of the guess, which tells nothing.
    return this.hashes.has(sha256(token).toString('hex')) ? { kind: 'admin', id: 'admin' } : undefined;
  }
}
