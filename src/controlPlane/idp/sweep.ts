/**
 * Removes what the authorization server no longer needs: expired sign-ins in progress, codes and sessions, expired
 * refresh tokens, and grants left with no live refresh token once the last access token they issued has expired too
 * (userinfo and the gateway look a token's grant up; after that no token of it can be valid). Run per organization,
 * at most every SWEEP_EVERY_MS per process, from the authorization endpoint (so an organization nobody signs in to
 * costs nothing).
 */
import { EXPIRY } from '../../api/keySettings';
import type { Store, StoredRecord, WriteOp } from '../store/store';
import { IDP, type GrantRecord, type RefreshTokenRecord } from './records';

export const SWEEP_EVERY_MS = 10 * 60_000;
const LONGEST_ACCESS_TOKEN_MS = EXPIRY.userAccessToken.max * 1000;

export async function sweepExpired(store: Store, orgId: string, now = Date.now()): Promise<number> {
  const ops: WriteOp[] = [];
  const gone = (r: StoredRecord & { expiresAt: string }) => Date.parse(r.expiresAt) <= now;
  for (const collection of [IDP.interactions, IDP.codes, IDP.sessions]) {
    for (const r of await store.findAll<StoredRecord & { expiresAt: string }>(collection, 'org', orgId)) {
      if (gone(r)) ops.push({ op: 'delete', collection, id: r.id });
    }
  }
  const live = new Set<string>();
  /** Per grant, when it last issued an access token: a refresh token is created with each one a refresh gives. */
  const lastIssued = new Map<string, number>();
  for (const r of await store.findAll<RefreshTokenRecord>(IDP.refreshTokens, 'org', orgId)) {
    const issued = Date.parse(r.createdAt);
    if (issued > (lastIssued.get(r.grantId) ?? 0)) lastIssued.set(r.grantId, issued);
    if (!gone(r)) live.add(r.grantId);
    // An expired refresh token is kept while the access token issued with it may be valid (a refresh token may live
    // 5 minutes, an access token a day): until then it is what tells this sweep, and the next, that its grant is
    // still in use. Deleting the grant would make the gateway and userinfo refuse that token.
    else if (issued + LONGEST_ACCESS_TOKEN_MS <= now) ops.push({ op: 'delete', collection: IDP.refreshTokens, id: r.id });
  }
  for (const g of await store.findAll<GrantRecord>(IDP.grants, 'org', orgId)) {
    if (!live.has(g.id) && Math.max(Date.parse(g.createdAt), lastIssued.get(g.id) ?? 0) + LONGEST_ACCESS_TOKEN_MS <= now) {
      ops.push({ op: 'delete', collection: IDP.grants, id: g.id });
    }
  }
  // In slices: a long-idle organization may have many.
  for (let i = 0; i < ops.length; i += 500) await store.write(ops.slice(i, i + 500));
  return ops.length;
}
