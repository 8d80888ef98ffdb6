/**
 * X-JWT-Assertion (Choreo's header): the gateway tells the upstream who called, in a JWT signed with the built-in
 * identity provider's signing key, verifiable with the service's organization's JWKS (`{issuer}/jwks`): the user
 * (`sub`, and `email`, `name`, `groups` when the token has them), the consumer (`client_id`, `consumer`,
 * `consumer_name`), the `connection`, the `endpoint` and the `environment`, with `iat`, `exp`, `jti` and `iss`.
 *
 * A signature costs more than a whole gateway call, so an assertion is signed once per (token, connection,
 * environment) and handed to every call of that token through that connection until shortly before it expires (the
 * same `jti` on each: it names the assertion, not the call). It has no `aud`, so it is never taken as an access token
 * by this gateway (whose tokens must name the gateway as their audience).
 */
import { randomUUID, sign } from 'node:crypto';
import { issuerUrl } from '../../api/routes';
import type { ConnectionRecord } from '../connections/records';
import type { ComponentRecord } from '../domain/records';
import type { SigningKeys } from '../idp/signingKeys';
import type { VerifiedToken } from './tokenCheck';

export const ASSERTION_HEADER = 'x-jwt-assertion';
/** The longest an assertion lives; never beyond the token it was made from. */
export const ASSERTION_LIFETIME_SEC = 900;
/** Made again when less than this is left, so that an upstream is not handed one about to expire. */
const RENEW_BEFORE_SEC = 60;
/** Assertions kept per token (one per connection and environment it calls through); beyond it they are made again. */
const PER_TOKEN = 64;

/** What the assertion of a call that passed says besides the token's own claims. */
export interface CallSubject {
  /** The service's organization: its issuer is the assertion's `iss`. */
  serviceOrgHandle: string;
  /** `org/project/service/endpoint` of the endpoint called. */
  endpoint: string;
  environment: string;
  consumer: ComponentRecord;
  connection: ConnectionRecord;
}

/** An assertion made, and when to make the next. */
export interface Made {
  jwt: string;
  /** ms since the epoch. */
  renewAt: number;
}

export class CallerAssertions {
  /** Per verified token (the token checker's cache holds these, bounded): connection/environment → the assertion. */
  private readonly made = new WeakMap<VerifiedToken, Map<string, Made>>();
  private readonly headers = new Map<string, string>();
  /** How many signatures were made (figures and tests). */
  signed = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly keys: SigningKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /** The assertion for a call of `token` as `subject` says: the one made before while it is fresh, else a new one.
   * Callers may keep the answer and use it until `renewAt` (the gateway keeps it with the call that passed). */
  for(token: VerifiedToken, subject: CallSubject): Made {
    const key = `${subject.connection.id}/${subject.environment}`;
    let byCall = this.made.get(token);
    const before = byCall?.get(key);
    const now = this.now();
    if (before !== undefined && now < before.renewAt) return before;
    const made = this.make(token, subject, now);
    if (byCall === undefined) this.made.set(token, (byCall = new Map()));
    else if (byCall.size >= PER_TOKEN && before === undefined) byCall.clear();
    byCall.set(key, made);
    return made;
  }

  private make(token: VerifiedToken, s: CallSubject, nowMs: number): Made {
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.max(iat + 1, Math.min(token.expiresAt, iat + ASSERTION_LIFETIME_SEC));
    const c = token.claims;
    const payload: Record<string, unknown> = {
      iss: issuerUrl(this.baseUrl, s.serviceOrgHandle),
      // An application token's subject is its client; a user token's (or an external provider's) is the person.
      sub: typeof c.sub === 'string' && c.sub !== '' ? c.sub : token.clientId,
    };
    if (typeof c.email === 'string') payload.email = c.email;
    if (typeof c.name === 'string') payload.name = c.name;
    if (Array.isArray(c.groups) && c.groups.every((g) => typeof g === 'string')) payload.groups = c.groups;
    if (typeof c.scope === 'string') payload.scope = c.scope;
    Object.assign(payload, {
      client_id: token.clientId,
      consumer: `${s.consumer.orgHandle}/${s.consumer.projectHandle}/${s.consumer.name}`,
      consumer_name: s.consumer.displayName,
      connection: s.connection.name,
      endpoint: s.endpoint,
      environment: s.environment,
      token_issuer: token.issuer,
      iat,
      exp,
      jti: randomUUID(),
    });
    const key = this.keys.active;
    let header = this.headers.get(key.kid);
    if (header === undefined) {
      if (this.headers.size > 8) this.headers.clear();
      header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid })).toString('base64url');
      this.headers.set(key.kid, header);
    }
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input, 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' });
    this.signed++;
    const lifetimeMs = (exp - iat) * 1000;
    return { jwt: `${input}.${signature.toString('base64url')}`, renewAt: iat * 1000 + lifetimeMs - Math.min(RENEW_BEFORE_SEC * 1000, lifetimeMs / 2) };
  }
}
