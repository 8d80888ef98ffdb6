/** The audit log: every write to the management API (who, what, when, from which address, and the result), per
 * organization, newest first. It holds the route and the path called, never a request or answer body. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuditEntry } from '../../api/members';
import type { Principal } from '../http/auth';
import type { Store } from '../store/store';
import { M, type AuditRecord } from './records';

/** Sort keys count down from here, so the ordered index lists the newest entry first. */
const LATEST = 10 ** 16;
let lastMicros = 0;

/** A key that sorts after every key made before it in this process (microseconds, made unique). */
function newestFirstKey(now: number): string {
  lastMicros = Math.max(now * 1000, lastMicros + 1);
  return String(LATEST - lastMicros).padStart(17, '0');
}

export function auditRecord(orgId: string, principal: Principal, route: string, req: IncomingMessage, status: number): AuditRecord {
  const now = Date.now();
  const actor: AuditRecord['actor'] = { kind: principal.kind, name: principal.kind === 'admin' ? 'operator (admin token)' : (principal.name ?? principal.id) };
  if (principal.kind !== 'admin') actor.userId = principal.id;
  if (principal.token) actor.tokenId = principal.token.id;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return {
    id: randomUUID(),
    orgId,
    sortKey: newestFirstKey(now),
    at: new Date(now).toISOString(),
    actor,
    action: route,
    // The path only: a query string is not the API's and could carry anything.
    resource: q === -1 ? url : url.slice(0, q),
    address: req.socket.remoteAddress ?? '',
    status,
  };
}

export async function recordWrite(store: Store, record: AuditRecord): Promise<void> {
  await store.write([{ op: 'put', collection: M.audit, record }]);
}

export const auditView = (r: AuditRecord): AuditEntry => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  resource: r.resource,
  address: r.address,
  status: r.status,
  result: r.status < 400 ? 'succeeded' : r.status < 500 ? 'refused' : 'failed',
});
