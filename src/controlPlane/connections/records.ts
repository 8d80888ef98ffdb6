/** What a connection stores, and its indexes. A connection belongs to its external consumer; it points at a service
 * endpoint by the service's id (handles are kept beside it for answers and do not change after creation). */
import type { Revocation } from '../../api/components';
import type { CollectionSpec } from '../store/store';

export const CONNECTIONS = 'connections';

export interface ConnectionRecord {
  id: string;
  /** The consumer's organization (a connection to a Public endpoint may point into another one). */
  orgId: string;
  /** The external consumer. */
  componentId: string;
  name: string;
  serviceComponentId: string;
  /** Absent in connections made before issue 15, which are all in the consumer's organization. */
  serviceOrgHandle?: string;
  serviceProjectHandle: string;
  serviceComponentName: string;
  endpointName: string;
  createdAt: string;
  /** Revoke Connection by an Admin of the service's organization: kept so its consumer's owners see why calls fail. */
  revoked?: Revocation;
}

/** A connection that lets calls through (not revoked): what the gateway and the `in_use` rules count. */
export const isLive = (c: ConnectionRecord) => c.revoked === undefined;

export const target = (serviceComponentId: string, endpointName: string) => `${serviceComponentId}/${endpointName}`;
export const pair = (consumerId: string, serviceComponentId: string, endpointName: string) =>
  `${consumerId}>${target(serviceComponentId, endpointName)}`;

export const connectionCollection: CollectionSpec<ConnectionRecord> = {
  name: CONNECTIONS,
  // Names are unique within the consumer regardless of case: they become CHOREO_<NAME>_* variables.
  unique: { name: (r) => `${r.componentId}/${r.name.toLowerCase()}` },
  ordered: { group: (r) => r.componentId, sort: (r) => r.name.toLowerCase() },
  lookup: {
    target: (r) => target(r.serviceComponentId, r.endpointName),
    service: (r) => r.serviceComponentId,
    // The gateway's question: may this consumer call this endpoint?
    pair: (r) => pair(r.componentId, r.serviceComponentId, r.endpointName),
  },
};
