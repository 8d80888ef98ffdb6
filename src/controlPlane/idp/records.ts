/**
 * What the built-in identity provider keeps beyond its clients (whose key settings are a field of the built-in auth
 * configuration, domain/records.ts): the test users of each organization and environment, and the authorization
 * server's state that every replica of a team control plane must share: sign-ins in progress, sessions,
 * authorization codes, grants and their refresh tokens. Each declared once (store/collection.ts), so the file store
 * and PostgreSQL hold them alike.
 *
 * Secrets are never stored: a password as its scrypt hash, codes, refresh tokens and CSRF values as SHA-256 hashes
 * (they are 256-bit random, so a fast hash is enough). One-time use across replicas rests on unique indexes, which
 * both stores enforce atomically: a code is redeemed by creating its grant (unique by the code's hash), a refresh
 * token is rotated by creating its successor (unique by its parent's hash). The second of two racing writes fails,
 * whichever replica made it.
 */
import { collection, json, optional, text, time, uuid, type DeclaredCollection, type StoredAs } from '../store/collection';

export const IDP = {
  testUsers: 'testUsers',
  interactions: 'signInInteractions',
  sessions: 'signInSessions',
  codes: 'authorizationCodes',
  grants: 'grants',
  refreshTokens: 'refreshTokens',
} as const;

const testUsers = collection({
  name: IDP.testUsers,
  fields: {
    orgId: uuid(),
    environment: text(),
    username: text(),
    groups: json<string[]>(),
    firstName: optional(text()),
    lastName: optional(text()),
    email: optional(text()),
    /** CSV columns after `email`, by header. */
    attributes: optional(json<Record<string, string>>()),
    /** scrypt (idp/passwords.ts); never answered. */
    passwordHash: text(),
    createdAt: time(),
    updatedAt: time(),
  },
  computed: { usernameKey: (r) => r.username.toLowerCase() },
  unique: { username: ['orgId', 'environment', 'usernameKey'] },
  lookup: { environment: ['orgId', 'environment'], org: ['orgId'] },
});
export type TestUserRecord = StoredAs<typeof testUsers>;

/** What an authorization request asked for, kept while the person signs in. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  /** prompt=login: sign in again even with a session. */
  forceLogin?: boolean;
}

/** A sign-in in progress: the sign-in page's form names it, and its CSRF value must come back from the same browser. */
const interactions = collection({
  name: IDP.interactions,
  fields: {
    orgId: uuid(),
    authConfigId: uuid(),
    environment: text(),
    request: json<AuthorizationRequest>(),
    /** SHA-256 of the value in the browser's cookie and in the form. */
    csrfHash: text(),
    createdAt: time(),
    expiresAt: time(),
  },
  lookup: { org: ['orgId'] },
});
export type InteractionRecord = StoredAs<typeof interactions>;

/** A person signed in to the provider in one browser (its cookie holds the id; `sid` of ID tokens). */
const sessions = collection({
  name: IDP.sessions,
  fields: {
    orgId: uuid(),
    environment: text(),
    userId: uuid(),
    /** SHA-256 of the secret the cookie holds beside the id (the id is no secret: ID tokens carry it as `sid`). */
    secretHash: text(),
    authTime: time(),
    createdAt: time(),
    expiresAt: time(),
  },
  lookup: { user: ['userId'], org: ['orgId'] },
});
export type SessionRecord = StoredAs<typeof sessions>;

const codes = collection({
  name: IDP.codes,
  fields: {
    orgId: uuid(),
    authConfigId: uuid(),
    clientId: text(),
    userId: uuid(),
    sessionId: uuid(),
    codeHash: text(),
    redirectUri: text(),
    scope: text(),
    nonce: optional(text()),
    /** PKCE S256; absent only for a confidential client whose key settings do not require PKCE. */
    codeChallenge: optional(text()),
    authTime: time(),
    createdAt: time(),
    expiresAt: time(),
  },
  unique: { code: ['codeHash'] },
  lookup: { user: ['userId'], org: ['orgId'] },
});
export type CodeRecord = StoredAs<typeof codes>;

/** What a redeemed code granted: the family of its refresh tokens, and what its access tokens name (`grant_id`). */
const grants = collection({
  name: IDP.grants,
  fields: {
    orgId: uuid(),
    authConfigId: uuid(),
    clientId: text(),
    environment: text(),
    userId: uuid(),
    sessionId: uuid(),
    /** The code it was redeemed from: unique, so a code is redeemed once across replicas. */
    codeHash: text(),
    scope: text(),
    nonce: optional(text()),
    authTime: time(),
    createdAt: time(),
  },
  unique: { code: ['codeHash'] },
  lookup: { user: ['userId'], session: ['sessionId'], client: ['authConfigId'], org: ['orgId'] },
});
export type GrantRecord = StoredAs<typeof grants>;

const refreshTokens = collection({
  name: IDP.refreshTokens,
  fields: {
    orgId: uuid(),
    grantId: uuid(),
    userId: uuid(),
    tokenHash: text(),
    /** The token this one replaced: unique, so a token is rotated once; a second try is reuse. */
    parentHash: optional(text()),
    createdAt: time(),
    expiresAt: time(),
  },
  unique: { token: ['tokenHash'], parent: { parts: ['parentHash'], only: { field: 'parentHash', present: true } } },
  lookup: { grant: ['grantId'], user: ['userId'], org: ['orgId'] },
});
export type RefreshTokenRecord = StoredAs<typeof refreshTokens>;

export const idpCollections: DeclaredCollection[] = [testUsers, interactions, sessions, codes, grants, refreshTokens];
