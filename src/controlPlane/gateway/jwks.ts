/**
 * Where the gateway gets the public keys that access tokens are verified with: an external identity provider's
 * JWKS URL (fetched, cached, fetched again when a token names an unknown `kid`, at most once per cool-down so a flood
 * of forged `kid`s cannot hammer the provider), or the built-in provider's keys, which live in this process.
 */
import { jose, type JSONWebKeySet, type JWTVerifyGetKey } from './jose';

export interface RemoteKeyOptions {
  /** How long a fetched JWKS is trusted before the next verification fetches it again. */
  cacheMaxAgeMs?: number;
  /** After a fetch, an unknown `kid` does not trigger another one for this long. */
  cooldownMs?: number;
  /** Time-out of one JWKS fetch. */
  timeoutMs?: number;
}

const DEFAULTS: Required<RemoteKeyOptions> = { cacheMaxAgeMs: 10 * 60_000, cooldownMs: 30_000, timeoutMs: 5_000 };

/** One remote key set per JWKS URL, shared by every identity provider and consumer that points at it. */
export class JwksRegistry {
  private readonly remotes = new Map<string, JWTVerifyGetKey>();
  private readonly opts: Required<RemoteKeyOptions>;

  constructor(options: RemoteKeyOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  remote(jwksUri: string): JWTVerifyGetKey {
    let keys = this.remotes.get(jwksUri);
    if (!keys) {
      keys = jose.createRemoteJWKSet(new URL(jwksUri), {
        cacheMaxAge: this.opts.cacheMaxAgeMs,
        cooldownDuration: this.opts.cooldownMs,
        timeoutDuration: this.opts.timeoutMs,
      });
      this.remotes.set(jwksUri, keys);
    }
    return keys;
  }

  /** Drops a cached key set, e.g. when its identity provider is refreshed or deleted. */
  forget(jwksUri: string): void {
    this.remotes.delete(jwksUri);
  }
}

/** Keys held in this process (the built-in identity provider's public keys). */
export function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return jose.createLocalJWKSet(jwks);
}
