/**
 * The tokens the authorization server issues to people: RFC 9068 access tokens (the same `iss`, `aud` and signing
 * keys as application tokens, so the gateway's check takes them as it takes those; `sub` the user, `client_id` the
 * consumer's key, `groups`, `scope`, and `grant_id`, the grant they came from, which revocation ends), OIDC ID tokens
 * (`nonce`, `auth_time`, `sid`), and opaque refresh tokens (256-bit random; the store keeps their SHA-256).
 */
import { createHash, randomBytes, randomUUID, sign } from 'node:crypto';
import { gatewayAudience, issuerUrl } from '../../api/routes';
import { jose, type JWTPayload } from '../gateway/jose';
import type { GrantRecord, TestUserRecord } from './records';
import type { SigningKeys } from './signingKeys';

export const newSecret = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Claims of the user by the scopes granted (OIDC Core §5.4; `groups` always, as Choreo's tokens carry them). */
export function userClaims(user: TestUserRecord, scope: string): Record<string, unknown> {
  const scopes = scope.split(' ');
  const claims: Record<string, unknown> = { groups: user.groups };
  if (scopes.includes('profile')) {
    claims.preferred_username = user.username;
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    if (name) claims.name = name;
    if (user.firstName) claims.given_name = user.firstName;
    if (user.lastName) claims.family_name = user.lastName;
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    // A test user's email is what an admin typed: nobody verified it.
    claims.email_verified = false;
  }
  return claims;
}

export class UserTokens {
  constructor(
    private readonly baseUrl: string,
    private readonly keys: SigningKeys,
  ) {}

  private signed(headerB64: string, payload: object): string {
    const input = `${headerB64}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input, 'latin1'), { key: this.keys.active.key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  accessToken(org: string, grant: GrantRecord, user: TestUserRecord, lifetimeSec: number, secretVersion?: number): string {
    const iat = Math.floor(Date.now() / 1000);
    return this.signed(this.keys.active.headerB64, {
      iss: issuerUrl(this.baseUrl, org),
      aud: gatewayAudience(this.baseUrl),
      sub: user.id,
      client_id: grant.clientId,
      iat,
      exp: iat + lifetimeSec,
      jti: randomUUID(),
      scope: grant.scope,
      auth_time: Math.floor(Date.parse(grant.authTime) / 1000),
      ...userClaims(user, `${grant.scope} profile email`),
      grant_id: grant.id,
      ...(secretVersion !== undefined && { secret_version: secretVersion }),
    });
  }

  idToken(org: string, grant: GrantRecord, user: TestUserRecord, lifetimeSec: number, nonce: string | undefined): string {
    const iat = Math.floor(Date.now() / 1000);
    return this.signed(this.keys.active.jwtHeaderB64, {
      iss: issuerUrl(this.baseUrl, org),
      sub: user.id,
      aud: grant.clientId,
      azp: grant.clientId,
      iat,
      exp: iat + lifetimeSec,
      auth_time: Math.floor(Date.parse(grant.authTime) / 1000),
      ...(nonce !== undefined && { nonce }),
      sid: grant.sessionId,
      ...userClaims(user, grant.scope),
    });
  }

  /** The claims of a token this provider signed for this organization; undefined when it is not one (or, unless
   * `expiredToo`, has expired). `typ`: at+jwt for access tokens, JWT for ID tokens. */
  async verify(org: string, token: string, typ: 'at+jwt' | 'JWT', expiredToo = false): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(this.keys.jwks()), {
        issuer: issuerUrl(this.baseUrl, org),
        typ,
        algorithms: ['ES256'],
        ...(typ === 'at+jwt' && { audience: gatewayAudience(this.baseUrl) }),
        // An ID token hint of logout may have expired (OIDC RP-Initiated Logout §2).
        ...(expiredToo && { currentDate: new Date(0) }),
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}
