/**
 * Where the gateway gets the public keys that access tokens are verified with: an external identity provider's
 * JWKS URL (fetched, cached, fetched again when a token names an unknown `kid`, at most once per cool-down so a flood
 * of forged `kid`s cannot hammer the provider), or the built-in provider's keys, which live in this process.
 *
 * A failed fetch is remembered too: for a while after it (doubling with each failure in a row, up to a ceiling) the
 * tokens of that provider are refused at once with the same reason, without another fetch, so callers cannot make the
 * gateway hammer a provider that is down. Fetches follow the server's outbound rule (../http/outbound.ts).
 */
import { fetch as undiciFetch } from 'undici';
import { OPEN_POLICY, outboundDispatcher, type OutboundPolicy } from '../http/outbound';
import { jose, type JSONWebKeySet, type JWTVerifyGetKey } from './jose';

export interface RemoteKeyOptions {
  /** How long a fetched JWKS is trusted before the next verification fetches it again. */
  cacheMaxAgeMs?: number;
  /** After a fetch, an unknown `kid` does not trigger another one for this long. */
  cooldownMs?: number;
  /** Time-out of one JWKS fetch. */
  timeoutMs?: number;
  /** After a failed fetch, no other for this long; doubled for each further failure in a row. */
  failureBackoffMs?: number;
  maxFailureBackoffMs?: number;
  outbound?: OutboundPolicy;
}

const DEFAULTS: Required<RemoteKeyOptions> = {
  cacheMaxAgeMs: 10 * 60_000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
  failureBackoffMs: 5_000,
  maxFailureBackoffMs: 5 * 60_000,
  outbound: OPEN_POLICY,
};

/** The provider's keys could not be had (its JWKS did not answer with a key set, or no fetch is due yet). */
export class KeysUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysUnavailable';
  }
}

/** Remote key sets, each under a key: the gateway keeps one per registration of an external identity provider (one
 * organization's, from one Well-Known URL), never one per issuer or JWKS URL shared across organizations, so what
 * one organization registers (another key set for the same issuer, a refresh, a flood of unknown `kid`s) never
 * changes the keys another organization's tokens are checked with. Without a key, one per JWKS URL. */
export class JwksRegistry {
  private readonly remotes = new Map<string, JWTVerifyGetKey>();
  private readonly opts: Required<RemoteKeyOptions>;

  constructor(options: RemoteKeyOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  remote(jwksUri: string, key = jwksUri): JWTVerifyGetKey {
    let keys = this.remotes.get(key);
    if (!keys) {
      keys = this.withFailureMemory(
        jwksUri,
        jose.createRemoteJWKSet(new URL(jwksUri), {
          cacheMaxAge: this.opts.cacheMaxAgeMs,
          cooldownDuration: this.opts.cooldownMs,
          timeoutDuration: this.opts.timeoutMs,
          [jose.customFetch]: this.fetchJwks,
        }),
      );
      this.remotes.set(key, keys);
    }
    return keys;
  }

  /** Drops a cached key set (and a remembered failure), e.g. when its identity provider is refreshed or deleted. */
  forget(key: string): void {
    this.remotes.delete(key);
  }

  private readonly fetchJwks = (url: string, init: RequestInit): Promise<Response> => {
    const dispatcher = outboundDispatcher(this.opts.outbound, this.opts.timeoutMs);
    return undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>;
  };

  private withFailureMemory(jwksUri: string, keys: JWTVerifyGetKey): JWTVerifyGetKey {
    const { failureBackoffMs, maxFailureBackoffMs } = this.opts;
    let backoff = 0;
    let retryAt = 0;
    let reason = '';
    return async (header, token) => {
      const now = Date.now();
      if (now < retryAt) {
        throw new KeysUnavailable(`${reason}; it is tried again in ${Math.ceil((retryAt - now) / 1000)} s`);
      }
      try {
        const key = await keys(header, token);
        backoff = 0;
        return key;
      } catch (err) {
        // An unknown kid or an ambiguous key set came from a key set that was fetched: not a failed fetch.
        if (err instanceof jose.errors.JWKSNoMatchingKey || err instanceof jose.errors.JWKSMultipleMatchingKeys) throw err;
        backoff = backoff === 0 ? failureBackoffMs : Math.min(backoff * 2, maxFailureBackoffMs);
        retryAt = Date.now() + backoff;
        reason = `${jwksUri} gave no key set (${(err as Error).message})`;
        throw new KeysUnavailable(reason);
      }
    };
  }
}

/** Keys held in this process (the built-in identity provider's public keys). */
export function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return jose.createLocalJWKSet(jwks);
}
