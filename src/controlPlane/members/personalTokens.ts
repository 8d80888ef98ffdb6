/**
 * Personal access tokens, for CI and scripts: one organization, a role no higher than the maker's, an expiry of at
 * most 90 days. The token is shown once; the store keeps its SHA-256. Every call looks the hash up in the store (no
 * cache), so a revoked token is refused on the next call, on every server that shares the store.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ROLE_NAMES, ROLES, roleAtLeast, type CreatePersonalAccessToken, type PersonalAccessToken } from '../../api/members';
import type { OrganizationRecord } from '../domain/records';
import type { Authenticator, Principal } from '../http/auth';
import { ApiError, notFound } from '../http/errors';
import type { Store } from '../store/store';
import { MissingRecord } from '../store/store';
import { membershipOf, personName } from './membership';
import { M, PersonalAccessTokenRecord, UserRecord } from './records';

/** Recognisable in a leaked file or log (secret scanners key on such prefixes). */
export const TOKEN_PREFIX = 'choreo_pat_';
/** Last use is written at most this often per token: a script calling in a loop must not write on every call. */
const LAST_USE_EVERY_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

const refused = (message: string) =>
  new ApiError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="choreo-control-plane", error="invalid_token"' });

export const tokenView = (r: PersonalAccessTokenRecord): PersonalAccessToken => ({
  id: r.id,
  name: r.name,
  orgHandle: r.orgHandle,
  role: r.role,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  ...(r.lastUsedAt ? { lastUsedAt: r.lastUsedAt } : {}),
});

export async function createToken(
  store: Store,
  user: Principal,
  org: OrganizationRecord,
  input: CreatePersonalAccessToken,
): Promise<{ record: PersonalAccessTokenRecord; secret: string }> {
  const member = await membershipOf(store, org.id, user.id);
  if (!member) throw notFound(`There is no organization "${org.handle}". List organizations to see their handles.`);
  if (!roleAtLeast(member.role, input.role)) {
    const message = `You are a ${ROLE_NAMES[member.role]} in "${org.handle}": a token can have that role at most, not ${ROLE_NAMES[input.role]}.`;
    throw new ApiError(403, 'forbidden', message, [{ path: 'role', message }]);
  }
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = new Date();
  const record: PersonalAccessTokenRecord = {
    id: randomUUID(),
    userId: user.id,
    orgId: org.id,
    orgHandle: org.handle,
    name: input.name,
    role: input.role,
    hash: hashOf(secret),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
  };
  // The role is checked again inside the write: demoted a moment ago, the maker gets no token above their new role.
  await store.write([
    {
      op: 'check',
      collection: M.members,
      id: member.id,
      field: 'role',
      oneOf: ROLES.filter((r) => roleAtLeast(r, input.role)),
      why: `Your role in "${org.handle}" changed while the token was made; it needs the ${ROLE_NAMES[input.role]} role at least. No token was made.`,
    },
    { op: 'put', collection: M.tokens, record },
  ]);
  return { record, secret };
}

export class PersonalAccessTokenAuthenticator implements Authenticator {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const record = await this.store.findUnique<PersonalAccessTokenRecord>(M.tokens, 'hash', hashOf(token));
    if (!record) throw refused('This personal access token is not valid: it was revoked, or never issued here. Make a new one.');
    const now = this.now();
    if (Date.parse(record.expiresAt) <= now) throw refused(`This personal access token expired on ${record.expiresAt}. Make a new one.`);
    const user = await this.store.get<UserRecord>(M.users, record.userId);
    if (!record.lastUsedAt || now - Date.parse(record.lastUsedAt) >= LAST_USE_EVERY_MS) void this.touch(record, now);
    return {
      kind: 'token',
      id: record.userId,
      name: `${user ? personName(user) : record.userId} (token "${record.name}")`,
      ...(user ? { account: { subject: user.subject, issuer: user.issuer } } : {}),
      token: { id: record.id, orgId: record.orgId, role: record.role },
    };
  }

  private async touch(record: PersonalAccessTokenRecord, now: number): Promise<void> {
    const used: PersonalAccessTokenRecord = { ...record, lastUsedAt: new Date(now).toISOString() };
    try {
      // `require` first: a token revoked a moment ago must not come back with its last use.
      await this.store.write([
        { op: 'require', collection: M.tokens, id: record.id },
        { op: 'put', collection: M.tokens, record: used },
      ]);
    } catch (err) {
      if (!(err instanceof MissingRecord)) console.error("control plane: could not record a token's last use:", (err as Error).message);
    }
  }
}
