/**
 * Whether a user access token's grant (its `grant_id`) is still live: for userinfo and the gateway alike. A grant ends
 * (its record is deleted) when its code is replayed, its refresh token reused, the client revokes a token, the person
 * signs out, or the user is deleted or gets a new password; an access token of it is refused from then on, though
 * its signature and expiry are still good.
 *
 * No cache of our own: the grant is read through the store, whose answers are the per-replica cache wanted here.
 * The file store holds every record in memory. PostgreSQL's store keeps what it read (absent records too) in its
 * bounded record cache (store/postgres/recordCache.ts, 100,000 answers, least recently used out), and the change
 * feed drops a grant's answer on every replica when any replica deletes it (within the store's propagation bound,
 * 1 s at worst). So:
 *  - a call costs a Map lookup, not a database read (the gateway's repeated calls cost not even that: a decision is
 *    kept only while the store's generation stands still, and a grant deleted anywhere moves it);
 *  - a miss (the first call on a replica after a restart, or an answer evicted) is one read by primary key, and the
 *    database decides;
 *  - during a database outage the store answers from its cache for its grace period, then refuses reads: a token
 *    whose grant is not cached is then answered 503, never let through on a guess;
 *  - memory is the store's bound, shared with every other answer it keeps.
 * A set of ended grant ids kept for the longest access-token lifetime would copy what the store already keeps right,
 * and would still need the store on a restart (a replica knows no ended grant then).
 */
import type { Store } from '../store/store';
import { IDP } from './records';

/** Grant ids are random UUIDs (idp/authorizationServer.ts); anything else in `grant_id` names no grant. */
export const isGrantId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);

export async function grantIsLive(store: Store, grantId: unknown): Promise<boolean> {
  return isGrantId(grantId) && (await store.get(IDP.grants, grantId)) !== undefined;
}

/** What a person's app is told when the token's grant has ended (the gateway's 401). */
export const REVOKED_TOKEN = 'This access token was revoked (the person signed out, was removed, or the sign-in was ended): sign in again.';
