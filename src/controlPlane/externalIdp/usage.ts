/** Which external consumers use an identity provider. Auth configurations are indexed by component, not by
 * provider, so this walks the organization's consumers: it serves lists, deletes and error messages, never the hot
 * path. */
import type { ResourceUse } from '../../api/common';
import { C, type AuthConfigRecord, type ComponentRecord, type ProjectRecord } from '../domain/records';
import { resourceUse } from '../domain/views';
import type { Store, StoredRecord } from '../store/store';

export interface ConsumerUse {
  component: ComponentRecord;
  config: AuthConfigRecord;
}

async function* inGroup<T extends StoredRecord>(store: Store, collection: string, group: string, filter?: (r: T) => boolean) {
  let after: string | undefined;
  for (;;) {
    const page = await store.page<T>(collection, { group, after, limit: 500, filter: filter as (r: StoredRecord) => boolean });
    yield* page.items;
    if (page.last === undefined) return;
    after = page.last;
  }
}

/** Every auth configuration of the organization's external consumers that `match` accepts. */
export async function findConsumerConfigs(store: Store, orgId: string, match: (config: AuthConfigRecord) => boolean): Promise<ConsumerUse[]> {
  const found: ConsumerUse[] = [];
  for await (const project of inGroup<ProjectRecord>(store, C.projects, orgId)) {
    for await (const component of inGroup<ComponentRecord>(store, C.components, project.id, (c) => c.type === 'external-consumer')) {
      for (const config of await store.findAll<AuthConfigRecord>(C.authConfigs, 'component', component.id)) {
        if (match(config)) found.push({ component, config });
      }
    }
  }
  return found;
}

/** "stark-mobile-app (Development), web-portal (Production)" */
export function describeUses(uses: ConsumerUse[], envName: (handle: string) => string = (h) => h): string {
  return uses.map((u) => `${u.component.projectHandle}/${u.component.name} (${envName(u.config.environment)})`).join(', ');
}

/** The uses of auth configurations, as the API names them (`usedBy`, the `uses` of an `in_use` refusal). */
export const usesOf = (uses: ConsumerUse[]): ResourceUse[] => uses.map((u) => resourceUse(u.component, { environment: u.config.environment }));

/** Who uses one identity provider (its answer's `usedBy`). */
export async function usedBy(store: Store, orgId: string, idpId: string): Promise<ResourceUse[]> {
  return usesOf(await findConsumerConfigs(store, orgId, (c) => c.identityProviderId === idpId));
}

/** identity provider id → its uses, for every provider of the organization in one walk (the provider list). */
export async function usesByProvider(store: Store, orgId: string): Promise<Map<string, ResourceUse[]>> {
  const byProvider = new Map<string, ResourceUse[]>();
  for (const use of await findConsumerConfigs(store, orgId, () => true)) {
    let list = byProvider.get(use.config.identityProviderId);
    if (!list) byProvider.set(use.config.identityProviderId, (list = []));
    list.push(...usesOf([use]));
  }
  return byProvider;
}
