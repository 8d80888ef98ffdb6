/**
 * The built-in identity provider's signing keys: ES256 (P-256), made at first start. A local control plane keeps them
 * in `signing-keys.json` in the data folder (mode 0600, replaced atomically); a team control plane in its database,
 * encrypted, shared by every replica (store/postgres/sharedSigningKeys.ts). `kid` is the key's RFC 7638 thumbprint.
 *
 * Rotation makes a new active key; the old one stops signing at once but stays in the JWKS until every token it
 * signed has expired (token lifetime plus a margin for clock skew), so tokens already handed out keep verifying.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../store/atomicFile';
import { EXPIRY } from '../../api/keySettings';

export const SIGNING_KEYS_FILE = 'signing-keys.json';
export const TOKEN_LIFETIME_SEC = 3600;
/** The longest a JWT the provider signs may live (key settings bound each expiry time, api/keySettings.ts): a retired
 * key stays published this long, so every token it signed keeps verifying until it expires. */
export const LONGEST_TOKEN_LIFETIME_SEC = Math.max(EXPIRY.applicationAccessToken.max, EXPIRY.userAccessToken.max, EXPIRY.idToken.max);
/** How long a retired key stays published beyond the last token it can have signed. */
export const RETIRED_KEY_MARGIN_SEC = 300;

export interface StoredKey {
  kid: string;
  privateJwk: JsonWebKey;
  createdAt: string;
  /** When it stopped signing; absent for the active key. */
  retiredAt?: string;
}

export interface ActiveKey {
  kid: string;
  key: KeyObject;
  /** base64url of the JWS header {"alg":"ES256","typ":"at+jwt","kid":…}, computed once per key. */
  headerB64: string;
  /** The same for ID tokens and other JWTs that are no access token: {"alg":"ES256","typ":"JWT","kid":…}. */
  jwtHeaderB64: string;
}

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  use: 'sig';
  alg: 'ES256';
}

/** Where the keys are kept. */
export interface SigningKeyStorage {
  /** Stores a rotation: `added` becomes the active key, the active one retires at `added.createdAt`, keys for which
   * `expired` is true are dropped. Answers the key set now stored. */
  rotate(current: StoredKey[], added: StoredKey, expired: (k: StoredKey) => boolean): StoredKey[] | Promise<StoredKey[]>;
}

export class SigningKeys {
  private keys: StoredKey[] = [];
  private activeKey!: ActiveKey;
  private jwksCache!: { keys: PublicJwk[] };
  private jwksValidUntil = 0;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly storage: SigningKeyStorage,
    keys: StoredKey[],
    private readonly now: () => number = Date.now,
  ) {
    this.replace(keys);
  }

  /** Loads the keys from the data folder, making the first one if there is none. */
  static load(dataDir: string, now: () => number = Date.now): SigningKeys {
    const file = path.join(dataDir, SIGNING_KEYS_FILE);
    let keys: StoredKey[] = [];
    try {
      keys = JSON.parse(fs.readFileSync(file, 'utf8')).keys;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `${file} cannot be read (${(err as Error).message}). Restore it, or delete it to make a new key (tokens already issued will then stop verifying).`,
        );
      }
    }
    const storage = fileKeyStorage(file);
    if (!keys.some((k) => !k.retiredAt)) keys = storage.rotate(keys, newSigningKey(now), () => false);
    return new SigningKeys(storage, keys, now);
  }

  get active(): ActiveKey {
    return this.activeKey;
  }

  /** The published key set: the active key and the retired keys whose tokens may still be unexpired. */
  jwks(): { keys: PublicJwk[] } {
    if (this.now() >= this.jwksValidUntil) this.refresh();
    return this.jwksCache;
  }

  /** Makes a new active key and retires the current one. Returns the new kid. */
  async rotate(): Promise<string> {
    const added = newSigningKey(this.now);
    this.replace(await this.storage.rotate(this.keys, added, (k) => this.expired(k)));
    return added.kid;
  }

  /** Takes the key set as stored now (after a rotation, here or, for a team control plane, by another replica). */
  replace(keys: StoredKey[]): void {
    const changed = this.keys.length > 0;
    this.keys = keys;
    this.refresh();
    if (changed) for (const l of this.listeners) l();
  }

  onRotate(listener: () => void): void {
    this.listeners.push(listener);
  }

  private expired(k: StoredKey): boolean {
    return k.retiredAt !== undefined && Date.parse(k.retiredAt) + (LONGEST_TOKEN_LIFETIME_SEC + RETIRED_KEY_MARGIN_SEC) * 1000 <= this.now();
  }

  private refresh(): void {
    const active = this.keys.find((k) => !k.retiredAt);
    if (active) {
      this.activeKey = {
        kid: active.kid,
        key: createPrivateKey({ key: active.privateJwk, format: 'jwk' }),
        headerB64: Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: active.kid })).toString('base64url'),
        jwtHeaderB64: Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: active.kid })).toString('base64url'),
      };
    }
    const published = this.keys.filter((k) => !this.expired(k));
    this.jwksCache = {
      keys: published.map((k) => ({
        kty: 'EC',
        crv: 'P-256',
        x: k.privateJwk.x as string,
        y: k.privateJwk.y as string,
        kid: k.kid,
        use: 'sig',
        alg: 'ES256',
      })),
    };
    // Look again when the next retired key drops out of the set.
    const nextExpiry = Math.min(
      ...published.filter((k) => k.retiredAt).map((k) => Date.parse(k.retiredAt!) + (LONGEST_TOKEN_LIFETIME_SEC + RETIRED_KEY_MARGIN_SEC) * 1000),
    );
    this.jwksValidUntil = Number.isFinite(nextExpiry) ? nextExpiry : Number.POSITIVE_INFINITY;
  }
}

/** A new ES256 key, not yet stored. */
export function newSigningKey(now: () => number = Date.now): StoredKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' });
  return { kid: thumbprint(privateJwk), privateJwk, createdAt: new Date(now()).toISOString() };
}

/** signing-keys.json in a data folder. */
function fileKeyStorage(file: string) {
  return {
    rotate(current: StoredKey[], added: StoredKey, expired: (k: StoredKey) => boolean): StoredKey[] {
      const keys = current.filter((k) => !expired(k)).map((k) => (k.retiredAt ? k : { ...k, retiredAt: added.createdAt }));
      keys.push(added);
      writeFileAtomicSync(file, JSON.stringify({ keys }, null, 2), 0o600);
      return keys;
    },
  } satisfies SigningKeyStorage;
}

/** RFC 7638 JWK thumbprint of an EC key. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
