/** Deletes that take their dependents along: organization → environments, identity providers, projects →
 * components → auth configurations (and, registered by their module, connections). */
import type { Cascade } from '../context';
import type { Store, StoredRecord, WriteOp } from '../store/store';
import { C, ComponentRecord, ProjectRecord } from './records';

export function registerCoreCascades(cascade: Cascade): void {
  cascade.onDelete(C.orgs, async (org, store) => {
    const ops: WriteOp[] = [];
    for (const coll of [C.environments, C.identityProviders]) {
      for (const r of await store.findAll(coll, 'org', org.id)) ops.push(...(await cascade.deleteOps(coll, r, store)));
    }
    for (const p of await allInGroup<ProjectRecord>(store, C.projects, org.id)) ops.push(...(await cascade.deleteOps(C.projects, p, store)));
    return ops;
  });
  cascade.onDelete(C.projects, async (project, store) => {
    const ops: WriteOp[] = [];
    for (const c of await allInGroup<ComponentRecord>(store, C.components, project.id)) ops.push(...(await cascade.deleteOps(C.components, c, store)));
    return ops;
  });
  cascade.onDelete(C.components, async (component, store) => {
    const ops: WriteOp[] = [];
    for (const a of await store.findAll(C.authConfigs, 'component', component.id)) ops.push(...(await cascade.deleteOps(C.authConfigs, a, store)));
    return ops;
  });
}

async function allInGroup<T extends StoredRecord>(store: Store, collection: string, group: string): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.page<T>(collection, { group, after, limit: 1000 });
    out.push(...page.items);
    if (page.last === undefined) return out;
    after = page.last;
  }
}
