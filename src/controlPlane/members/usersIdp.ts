/**
 * The team's own identity provider (Keycloak, Entra ID, Okta, Asgardeo, …), which signs the team's people in.
 * The server knows it by its Well-Known URL and the client ID of the public client registered there for the
 * extension (`serve --users-idp URL --users-client-id ID [--users-audience AUD]`). It tells clients how to sign in
 * (SignInInfo) and checks the access tokens they send: signature by the provider's JWKS, `iss`, `aud`, `exp`, and that
 * the token is an access token (RFC 9068 `typ: at+jwt`, or Keycloak's `typ: Bearer` claim), not an ID token.
 */
import type { SignInInfo } from '../../api/members';
import { discoverProvider, type DiscoveredProvider } from '../externalIdp/discovery';
import { JwksRegistry } from '../gateway/jwks';
import { jose, type JWTPayload } from '../gateway/jose';
import { ACCEPTED_ALGORITHMS } from '../gateway/tokenCheck';
import { ApiError } from '../http/errors';

const { decodeJwt, decodeProtectedHeader, errors: joseErrors, jwtVerify } = jose;

export interface UsersIdpOptions {
  wellKnownUrl: string;
  clientId: string;
  /** The `aud` the provider puts in access tokens for this server; the client ID when not given. Given, it is also
   * the RFC 8707 resource clients ask tokens for. */
  audience?: string;
}

/** Who a verified access token says the person is. */
export interface PersonClaims {
  issuer: string;
  subject: string;
  name?: string;
  email?: string;
  emailVerified: boolean;
  expiresAt: number;
}

export const SIGN_IN_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
/** A failed discovery is tried again after this long, not on every request. */
const RETRY_MS = 10_000;
const CLOCK_TOLERANCE_SEC = 5;
const CACHE_SIZE = 5_000;

const refused = (message: string) =>
  new ApiError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="choreo-control-plane", error="invalid_token"' });

export class UsersIdp {
  private discovered: Promise<DiscoveredProvider> | undefined;
  /** Verified tokens until they expire: a client sends the same token many times. */
  private readonly verified = new Map<string, PersonClaims>();

  constructor(
    readonly options: UsersIdpOptions,
    private readonly jwks = new JwksRegistry(),
  ) {}

  get audience(): string {
    return this.options.audience ?? this.options.clientId;
  }

  /** The provider's discovery document, fetched once; a failure is remembered for RETRY_MS, then tried again. */
  provider(): Promise<DiscoveredProvider> {
    if (!this.discovered) {
      const attempt = discoverProvider(this.options.wellKnownUrl);
      this.discovered = attempt;
      attempt.catch(() =>
        setTimeout(() => {
          if (this.discovered === attempt) this.discovered = undefined;
        }, RETRY_MS).unref(),
      );
    }
    return this.discovered.catch((err: Error) => {
      throw new ApiError(503, 'discovery_failed', `The team's identity provider could not be reached: ${err.message}`);
    });
  }

  async signInInfo(): Promise<SignInInfo> {
    const { issuer, tokenEndpoint, document } = await this.provider();
    const device = (document as Record<string, unknown>).device_authorization_endpoint;
    if (typeof device !== 'string') {
      throw new ApiError(
        503,
        'discovery_failed',
        `The team's identity provider (${issuer}) offers no device authorization endpoint; enable the OAuth 2.0 device authorization grant for client ${this.options.clientId} there.`,
      );
    }
    const revocation = (document as Record<string, unknown>).revocation_endpoint;
    const info: SignInInfo = { issuer, clientId: this.options.clientId, scopes: SIGN_IN_SCOPES, deviceAuthorizationEndpoint: device, tokenEndpoint };
    if (typeof revocation === 'string') info.revocationEndpoint = revocation;
    if (this.options.audience) info.resource = this.options.audience;
    return info;
  }

  /** Undefined for a token that is not a JWT (an admin or personal access token); else the person, or a 401 that
   * says why the token is refused. */
  async verify(token: string): Promise<PersonClaims | undefined> {
    if (token.split('.').length !== 3) return undefined;
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt + CLOCK_TOLERANCE_SEC > Date.now() / 1000) return hit;

    let unverified: JWTPayload;
    let typ: string | undefined;
    try {
      typ = decodeProtectedHeader(token).typ;
      unverified = decodeJwt(token);
    } catch {
      return undefined;
    }
    const { issuer, jwksUri } = await this.provider();
    if (unverified.iss !== issuer) {
      throw refused(
        `The token was issued by ${String(unverified.iss ?? 'no issuer')}, not by this server's identity provider (${issuer}). Sign in to this server again.`,
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks.remote(jwksUri), {
        issuer,
        audience: this.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw refused(describe(err, this.audience));
    }
    const isAccessToken = /^(application\/)?at\+jwt$/i.test(typ ?? '') || payload.typ === 'Bearer';
    if (!isAccessToken) {
      throw refused('The token is not an access token (an ID token, perhaps). Send the access token the sign-in gave.');
    }
    const claims: PersonClaims = {
      issuer,
      subject: payload.sub!,
      name: text(payload.name) ?? text(payload.preferred_username),
      email: text(payload.email)?.toLowerCase(),
      emailVerified: payload.email_verified === true,
      expiresAt: payload.exp!,
    };
    if (this.verified.size >= CACHE_SIZE) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);

function describe(err: unknown, audience: string): string {
  if (err instanceof joseErrors.JWTExpired) return 'Your sign-in has expired. Sign in again.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `The token is for another audience, not this server (${audience}). Sign in to this server again.`;
    if (err.claim === 'nbf') return 'The token is not valid yet (nbf is in the future). Check the clocks.';
    return `The token's ${err.claim} claim is not acceptable: ${err.reason}.`;
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'No key of the identity provider matches the token. Sign in again.';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is not signed with an asymmetric algorithm; it is refused.';
  if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
    return `The identity provider's keys could not be fetched to check the token: ${(err as Error).message}.`;
  }
  return `The token is not valid: ${(err as Error).message}.`;
}
