/** What a connection stores, and its indexes. A connection belongs to its external consumer; it points at a service
 * endpoint by the service's id (handles are kept beside it for answers and do not change after creation). */
import type { Revocation } from '../../api/components';
import { collection, indexKey, json, optional, text, time, uuid, type StoredAs } from '../store/collection';

export const CONNECTIONS = 'connections';

export const connectionCollection = collection({
  name: CONNECTIONS,
  fields: {
    /** The consumer's organization (a connection to a Public endpoint may point into another one). */
    orgId: uuid(),
    /** The external consumer. */
    componentId: uuid(),
    name: text(),
    serviceComponentId: uuid(),
    /** Absent in connections made before issue 15, which are all in the consumer's organization. */
    serviceOrgHandle: optional(text()),
    serviceProjectHandle: text(),
    serviceComponentName: text(),
    endpointName: text(),
    createdAt: time(),
    /** Revoke Connection by an Admin of the service's organization: kept so its consumer's owners see why calls fail. */
    revoked: optional(json<Revocation>()),
  },
  // Names are unique within the consumer regardless of case: they become CHOREO_<NAME>_* variables.
  computed: { nameKey: (r) => r.name.toLowerCase() },
  unique: { name: ['componentId', 'nameKey'] },
  ordered: { group: 'componentId', sort: 'nameKey' },
  lookup: {
    target: ['serviceComponentId', 'endpointName'],
    service: ['serviceComponentId'],
    // The gateway's question: may this consumer call this endpoint?
    pair: { parts: ['componentId', 'serviceComponentId', 'endpointName'], separators: ['>', '/'] },
  },
});
export type ConnectionRecord = StoredAs<typeof connectionCollection>;

/** A connection that lets calls through (not revoked): what the gateway and the `in_use` rules count. */
export const isLive = (c: ConnectionRecord) => c.revoked === undefined;

/** The keys of the lookups `target` and `pair`. */
export const target = (serviceComponentId: string, endpointName: string) => indexKey(serviceComponentId, endpointName);
export const pair = (consumerId: string, serviceComponentId: string, endpointName: string) => `${consumerId}>${target(serviceComponentId, endpointName)}`;
