/** The audit log: every write to the management API (who, what, when, from which address, and the result), per
 * organization, newest first. It holds the route and the path called, never a request or answer body. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuditEntry } from '../../api/members';
import type { Principal } from '../http/auth';
import type { Store } from '../store/store';
import { API_PREFIX } from '../../api/routes';
import { M, type AuditRecord, type MemberRecord } from './records';

/** Sort keys count down from here, so the ordered index lists the newest entry first. */
const LATEST = 10 ** 16;
let lastMicros = 0;

/** A key that sorts after every key made before it in this process (microseconds, made unique). */
function newestFirstKey(now: number): string {
  lastMicros = Math.max(now * 1000, lastMicros + 1);
  return String(LATEST - lastMicros).padStart(17, '0');
}

/** What the audit log calls a membership made when an invited person first signs in (no route is called for it). */
export const INVITATION_ACCEPTED = 'sign-in: invitation accepted';

/** `address`: the caller's, as http/clientAddress.ts tells it (behind a trusted proxy, the forwarded one). */
export function auditRecord(orgId: string, principal: Principal, route: string, req: IncomingMessage, address: string, status: number): AuditRecord {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  // The path only: a query string is not the API's and could carry anything.
  return auditAt(orgId, principal, route, q === -1 ? url : url.slice(0, q), address, status);
}

function auditAt(orgId: string, principal: Principal, route: string, resource: string, address: string, status: number): AuditRecord {
  const now = Date.now();
  const actor: AuditRecord['actor'] = { kind: principal.kind, name: principal.kind === 'admin' ? 'operator (admin token)' : (principal.name ?? principal.id) };
  if (principal.kind !== 'admin') actor.userId = principal.id;
  if (principal.token) actor.tokenId = principal.token.id;
  if (principal.account) {
    actor.subject = principal.account.subject;
    actor.issuer = principal.account.issuer;
  }
  return {
    id: randomUUID(),
    orgId,
    sortKey: newestFirstKey(now),
    at: new Date(now).toISOString(),
    actor,
    action: route,
    resource,
    address,
    status,
  };
}

/** The record of an invitation that became a membership at the person's sign-in: written in the same batch. */
export function invitationAccepted(member: MemberRecord, principal: Principal, address: string): AuditRecord {
  return auditAt(member.orgId, principal, INVITATION_ACCEPTED, `${API_PREFIX}/orgs/${member.orgHandle}/members/${member.id}`, address, 200);
}

export async function recordWrite(store: Store, record: AuditRecord): Promise<void> {
  await store.write([{ op: 'put', collection: M.audit, record }]);
}

export const auditView = (r: AuditRecord): AuditEntry => ({
  id: r.id,
  orgId: r.orgId,
  at: r.at,
  actor: r.actor,
  action: r.action,
  resource: r.resource,
  address: r.address,
  status: r.status,
  result: r.status < 400 ? 'succeeded' : r.status < 500 ? 'refused' : 'failed',
});
