/**
 * Verifies the Bearer access token of a gateway call: a JWT signed with an asymmetric key of a known issuer,
 * within its validity window, naming the OAuth client it was issued to. Which consumer, environment and connection
 * the client must have is the gateway's business (see enforce.ts); this file answers "who is calling, for sure".
 *
 * Verified tokens are kept (token → claims, until they expire, the least recently used evicted first), so a client that
 * reuses its token, as OAuth clients do, costs a map lookup per call instead of a signature check.
 */
import { jose, type JWTPayload, type JWTVerifyGetKey } from './jose';

const { decodeProtectedHeader, decodeJwt, errors: joseErrors, jwtVerify } = jose;

/** Asymmetric algorithms only: `none` and the HMAC family would let anyone holding a shared secret mint tokens. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export interface TrustedIssuer {
  keys: JWTVerifyGetKey;
  /** When set, the token's `aud` must contain one of these. */
  audience?: string | string[];
  /** Refuse what is not an access token (an external provider's ID tokens, logout tokens…): see accessTokenProblem. */
  accessTokensOnly?: boolean;
  /** An external provider's registration (one organization's, from one Well-Known URL) these keys are of: a token
   * verified with them is that registration's token, and no other's. */
  registration?: Registration;
}

/** One registration of an external identity provider: its id and its organization's. */
export interface Registration {
  id: string;
  orgId: string;
}

/**
 * Whose keys a token of `issuer` naming `clientId` is judged against: undefined when the control plane knows no such
 * issuer; for an external issuer, the registrations whose consumers' keys name that client (none, one, or one per
 * organization that registered the issuer and gave one of its consumers that client): the token is verified
 * against each on its own, and counts only for the registrations whose keys verified it. Called only for tokens not
 * in the cache, so it may take a moment (a promise).
 */
export type IssuerLookup = (
  issuer: string,
  clientId: string,
) => TrustedIssuer | TrustedIssuer[] | undefined | Promise<TrustedIssuer | TrustedIssuer[] | undefined>;

export interface VerifiedToken {
  issuer: string;
  /** `client_id` (RFC 9068) or, for providers that only set it, `azp`. */
  clientId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  claims: JWTPayload;
  /** External tokens: the registrations whose keys verified the token. It is theirs only: another organization's
   * registration of the same issuer (its own keys, say, through another Well-Known URL) gains nothing from it. */
  registrations?: readonly Registration[];
}

export interface TokenCheckOptions {
  cacheSize?: number;
  clockToleranceSec?: number;
  /** Shown in WWW-Authenticate. */
  realm?: string;
}

/** A refused token, shaped as RFC 6750 §3 wants the answer. */
export class TokenRejected extends Error {
  constructor(
    /** Absent when the request had no credentials at all (RFC 6750 §3.1: then no error code is sent). */
    readonly error: 'invalid_token' | 'invalid_request' | undefined,
    message: string,
    readonly status: 400 | 401 = 401,
  ) {
    super(message);
    this.name = 'TokenRejected';
  }

  wwwAuthenticate(realm: string): string {
    const parts = [`realm="${quoteSafe(realm)}"`];
    if (this.error) parts.push(`error="${this.error}"`, `error_description="${quoteSafe(this.message)}"`);
    return `Bearer ${parts.join(', ')}`;
  }
}

/** RFC 6750 §3: error_description is limited to printable ASCII without `"` and `\`. */
function quoteSafe(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "'");
}

const JWT_REQUIRED =
  'The access token is not a JWT. The gateway accepts only JWT access tokens: set the access token type of the application in your identity provider to JWT.';

/** A verified token in the cache. */
interface CacheEntry {
  token: string;
  verified: VerifiedToken;
  /** The Authorization header it came in, when that was exactly "Bearer <token>": a call sending the same header
   * string is a hit without taking the token out of it. */
  header: string | undefined;
}

/** How many characters from the token's end key the cache: a signature's tail, which differs between tokens. Hashing
 * a whole token (hundreds of characters, a fresh string for every call) cost more than the rest of a cache hit. */
const KEY_CHARS = 32;

const tail = (text: string) => (text.length > KEY_CHARS ? text.slice(-KEY_CHARS) : text);

export class TokenChecker {
  /** Token tail → entry. A hit needs the whole token (or the whole header) to be equal, so a token that shares a
   * tail with a verified one gets nothing from it (it is verified, or refused, on its own). */
  private readonly cache = new Map<string, CacheEntry>();
  /** The entry at the young end of the cache's order (the Map's insertion order is the LRU order). */
  private youngest: CacheEntry | undefined;
  private readonly cacheSize: number;
  private readonly clockTolerance: number;
  readonly realm: string;

  constructor(
    private readonly lookup: IssuerLookup,
    options: TokenCheckOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
    this.clockTolerance = options.clockToleranceSec ?? 30;
    this.realm = options.realm ?? 'gateway';
  }

  /** Verifies the value of an Authorization header; throws TokenRejected. */
  async check(authorization: string | undefined): Promise<VerifiedToken> {
    const token = bearerToken(authorization);
    const cached = this.byToken(token);
    if (cached) return cached;

    const verified = await this.verify(token);
    const key = tail(token);
    const entry: CacheEntry = { token, verified, header: authorization === `Bearer ${token}` ? authorization : undefined };
    this.cache.delete(key);
    this.cache.set(key, entry);
    this.youngest = entry;
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return verified;
  }

  /** The same answer as `check` for a token verified before and not expired, without a promise (the gateway's hot
   * path); undefined when the token must go through `check`. Throws TokenRejected for a missing or malformed header. */
  cached(authorization: string | undefined): VerifiedToken | undefined {
    if (authorization !== undefined) {
      // The very header the token came in before: no pattern match, no token taken out of it (that header passed
      // bearerToken's pattern when the token was verified, so the pattern has nothing to add).
      const key = tail(authorization);
      const entry = this.cache.get(key);
      if (entry !== undefined && entry.header === authorization) return this.fresh(key, entry);
    }
    return this.byToken(bearerToken(authorization));
  }

  private byToken(token: string): VerifiedToken | undefined {
    const key = tail(token);
    const entry = this.cache.get(key);
    return entry !== undefined && entry.token === token ? this.fresh(key, entry) : undefined;
  }

  /** The entry's answer unless it has expired (then it is dropped). */
  private fresh(key: string, entry: CacheEntry): VerifiedToken | undefined {
    if (entry.verified.expiresAt + this.clockTolerance > Date.now() / 1000) {
      if (entry !== this.youngest) {
        // Move to the young end (a client calling again and again is there already).
        this.cache.delete(key);
        this.cache.set(key, entry);
        this.youngest = entry;
      }
      return entry.verified;
    }
    this.cache.delete(key);
    return undefined;
  }

  /** Forgets every verified token, e.g. after an identity provider was removed. */
  clear(): void {
    this.cache.clear();
    this.youngest = undefined;
  }

  get cachedCount(): number {
    return this.cache.size;
  }

  private async verify(token: string): Promise<VerifiedToken> {
    let alg: string | undefined;
    let unverified: JWTPayload;
    try {
      if (token.split('.').length !== 3) throw new Error('not a JWS');
      alg = decodeProtectedHeader(token).alg;
      unverified = decodeJwt(token);
    } catch {
      throw new TokenRejected('invalid_token', JWT_REQUIRED);
    }
    if (!alg || !ACCEPTED_ALGORITHMS.includes(alg)) {
      throw new TokenRejected(
        'invalid_token',
        `The access token is signed with ${alg ?? 'no algorithm'}; only asymmetric signatures (RS*, PS*, ES*, EdDSA) are accepted.`,
      );
    }
    const issuer = unverified.iss;
    if (typeof issuer !== 'string' || !issuer) {
      throw new TokenRejected('invalid_token', 'The access token has no issuer (iss).');
    }
    // The client is read before the signature is checked only to pick the keys to check it with; it is read again
    // from the verified payload below.
    const named = clientOf(unverified);
    if (!named) {
      throw new TokenRejected('invalid_token', 'The access token names no client (neither client_id nor azp), so it cannot be tied to a consumer.');
    }
    const found = await this.lookup(issuer, named);
    if (!found) {
      throw new TokenRejected(
        'invalid_token',
        `The access token was issued by ${issuer}, which is not an identity provider of this organization. Register it, or get the token from the consumer's token URL.`,
      );
    }
    const candidates = Array.isArray(found) ? found : [found];
    if (candidates.length === 0) {
      throw new TokenRejected(
        'invalid_token',
        `The client ID ${named} of ${issuer} belongs to no external consumer's keys. Add it to the consumer with Add Keys (with the identity provider registered in the consumer's organization).`,
      );
    }

    let payload: JWTPayload | undefined;
    let firstError: unknown;
    const registrations: Registration[] = [];
    for (const trusted of candidates) {
      let verified: JWTPayload;
      try {
        ({ payload: verified } = await jwtVerify(token, trusted.keys, {
          issuer,
          audience: trusted.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: this.clockTolerance,
          requiredClaims: ['exp'],
        }));
        if (trusted.accessTokensOnly) {
          const problem = accessTokenProblem(decodeProtectedHeader(token).typ, verified, clientOf(verified) ?? named);
          if (problem) throw new TokenRejected('invalid_token', problem);
        }
      } catch (err) {
        firstError ??= err;
        continue;
      }
      payload = verified;
      if (trusted.registration) registrations.push(trusted.registration);
    }
    if (!payload) {
      if (firstError instanceof TokenRejected) throw firstError;
      throw new TokenRejected('invalid_token', describeVerifyError(firstError));
    }

    const clientId = clientOf(payload);
    if (clientId !== named) {
      throw new TokenRejected('invalid_token', 'The access token names no client (neither client_id nor azp), so it cannot be tied to a consumer.');
    }
    const verified: VerifiedToken = { issuer, clientId, expiresAt: payload.exp as number, claims: payload };
    if (registrations.length > 0) verified.registrations = registrations;
    return verified;
  }
}

/** `client_id` (RFC 9068) or, for providers that only set it, `azp`. */
function clientOf(payload: JWTPayload): string | undefined {
  return typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
}

/** Claims only an OpenID Connect ID token carries (Core 1.0 §2, §3.1.3.6, §3.3.2.11; FAPI's s_hash). */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

/**
 * Why a verified JWT of an external provider is not an access token, or undefined when it is one. Providers that
 * follow RFC 9068 say so in the header (`typ: at+jwt`), and such a token passes. Many issue access tokens as plain
 * `JWT` (or with no `typ`), so those pass too, unless they have the shape of an ID token: an ID token's `aud` is the
 * client it was issued to, and it may carry claims no access token has. An access token is for a resource (RFC 9068
 * §3: `aud` names it), never for the client that asked for it, so a plain JWT whose audience is its own client is
 * refused whatever its other claims. Any other `typ` (logout+jwt, secevent+jwt, dpop+jwt…) is refused.
 */
export function accessTokenProblem(typ: unknown, payload: JWTPayload, clientId: string): string | undefined {
  const type = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (type === 'at+jwt') return undefined;
  if (type !== undefined && type !== 'jwt') {
    return `The token is a "${quoteSafe(String(typ)).slice(0, 40)}" JWT, not an access token. Send an access token from the provider's token endpoint.`;
  }
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.includes(clientId) || ID_TOKEN_CLAIMS.some((c) => payload[c] !== undefined)) {
    return "The token is an ID token (its audience is the client itself, or it has ID token claims), not an access token. Send the access token from the provider's token endpoint.";
  }
  return undefined;
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) {
    throw new TokenRejected(undefined, 'This endpoint needs an access token: send it as "Authorization: Bearer <token>".');
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!match) {
    throw new TokenRejected('invalid_request', 'The Authorization header must be "Bearer <token>".', 400);
  }
  return match[1];
}

function describeVerifyError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The access token has expired. Get a new one from the token URL.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'The access token is not valid yet (nbf is in the future). Check the clocks.';
    if (err.claim === 'aud') {
      return "The access token is not for this gateway: its audience (aud) is missing or is not one this gateway accepts (for an external identity provider: the audiences it was registered with, or this gateway's URL).";
    }
    if (err.claim === 'exp') return 'The access token has no expiry (exp); JWT access tokens must have one.';
    return `The access token's ${err.claim} claim is not acceptable: ${err.reason}.`;
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) {
    return 'No published key of the issuer matches the token (unknown kid). Get a new token.';
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is not valid.';
  if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
    return `The issuer's keys could not be fetched to check the token: ${(err as Error).message}.`;
  }
  return `The access token is not valid: ${(err as Error).message}.`;
}
