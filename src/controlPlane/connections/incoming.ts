/** The connections that point at a service, with their consumers: the Service Overview's list, and what refuses a
 * narrowing, an endpoint's removal or the service's delete (they would break those consumers' running clients). */
import type { ResourceUse } from '../../api/common';
import { C, type ComponentRecord } from '../domain/records';
import { resourceUse } from '../domain/views';
import { inUse } from '../http/errors';
import type { Store } from '../store/store';
import { CONNECTIONS, isLive, type ConnectionRecord } from './records';
import { admits } from './visibility';

export interface IncomingConnection {
  connection: ConnectionRecord;
  consumer: ComponentRecord;
}

/** Oldest first, the same order on every replica. */
export async function incomingConnections(store: Store, serviceId: string): Promise<IncomingConnection[]> {
  const out: IncomingConnection[] = [];
  for (const connection of await store.findAll<ConnectionRecord>(CONNECTIONS, 'service', serviceId)) {
    const consumer = await store.get<ComponentRecord>(C.components, connection.componentId);
    if (consumer) out.push({ connection, consumer });
  }
  return out.sort((a, b) => a.connection.createdAt.localeCompare(b.connection.createdAt) || a.connection.id.localeCompare(b.connection.id));
}

type Endpoints = NonNullable<ComponentRecord['endpoints']>;

/** Refuses a change of a service's endpoints that would strand connections: an endpoint removed that consumers are
 * connected to, or narrowed so that its visibility no longer admits some of them. The message and `uses` name them. */
export async function refuseStrandingConnections(store: Store, service: ComponentRecord, next: Endpoints): Promise<void> {
  const stranded = new Map<string, { removed: boolean; visibility: string; uses: IncomingConnection[] }>();
  for (const incoming of await incomingConnections(store, service.id)) {
    if (!isLive(incoming.connection)) continue;
    const name = incoming.connection.endpointName;
    const after = next.find((e) => e.name === name);
    if (after && admits(after.visibility, service, incoming.consumer)) continue;
    let entry = stranded.get(name);
    if (!entry) stranded.set(name, (entry = { removed: !after, visibility: after?.visibility ?? '', uses: [] }));
    entry.uses.push(incoming);
  }
  if (stranded.size === 0) return;
  const sentences = [...stranded].map(([name, s]) =>
    s.removed
      ? `The endpoint "${name}" cannot be removed while consumers are connected to it: ${describeIncoming(s.uses, service.orgId)}.`
      : `The endpoint "${name}" cannot become ${s.visibility}: it would refuse ${describeIncoming(s.uses, service.orgId)}.`,
  );
  const uses = [...stranded.values()].flatMap((s) => s.uses.map(useOf));
  throw inUse(
    `${sentences.join(' ')} Those connections must be deleted first (by their consumers' owners), or revoked (Revoke Connection, by an Admin here).`,
    uses,
  );
}

/** `other-project/web-portal ("Greeting")`, or with the organization when it is another one than the service's. */
export function describeIncoming(uses: IncomingConnection[], serviceOrgId: string): string {
  return uses
    .map(({ consumer, connection }) => {
      const where = consumer.orgId !== serviceOrgId ? `${consumer.orgHandle}/` : '';
      return `${where}${consumer.projectHandle}/${consumer.name} (connection "${connection.name}")`;
    })
    .join(', ');
}

export const useOf = ({ consumer, connection }: IncomingConnection): ResourceUse => resourceUse(consumer, { connectionName: connection.name });
