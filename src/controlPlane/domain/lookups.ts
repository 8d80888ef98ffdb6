/** Resolving the handles of a URL to records, with a not_found that names what is missing. */
import { notFound } from '../http/errors';
import type { Store } from '../store/store';
import { C, ComponentRecord, EnvironmentRecord, OrganizationRecord, ProjectRecord } from './records';

export async function findOrg(store: Store, handle: string): Promise<OrganizationRecord> {
  const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', handle);
  if (!org) throw notFound(`There is no organization "${handle}". List organizations to see their handles.`);
  return org;
}

export async function findProject(store: Store, orgHandle: string, handle: string): Promise<{ org: OrganizationRecord; project: ProjectRecord }> {
  const org = await findOrg(store, orgHandle);
  const project = await store.findUnique<ProjectRecord>(C.projects, 'handle', `${org.id}/${handle}`);
  if (!project) throw notFound(`Organization "${orgHandle}" has no project "${handle}".`);
  return { org, project };
}

export async function findComponent(
  store: Store,
  orgHandle: string,
  projectHandle: string,
  name: string,
): Promise<{ org: OrganizationRecord; project: ProjectRecord; component: ComponentRecord }> {
  const { org, project } = await findProject(store, orgHandle, projectHandle);
  const component = await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${name}`);
  if (!component) throw notFound(`Project "${projectHandle}" has no component "${name}".`);
  return { org, project, component };
}

export async function environmentsOf(store: Store, orgId: string): Promise<EnvironmentRecord[]> {
  return (await store.findAll<EnvironmentRecord>(C.environments, 'org', orgId)).sort((a, b) => a.order - b.order);
}

export async function findEnvironment(store: Store, org: OrganizationRecord, handle: string): Promise<EnvironmentRecord> {
  const env = await store.findUnique<EnvironmentRecord>(C.environments, 'handle', `${org.id}/${handle}`);
  if (!env) {
    const known = (await environmentsOf(store, org.id)).map((e) => e.handle).join(', ');
    throw notFound(`Organization "${org.handle}" has no environment "${handle}" (it has: ${known}).`);
  }
  return env;
}

/** `"orders" has no endpoint "nope" (it has: api, admin).` */
export function noEndpointMessage(service: Pick<ComponentRecord, 'name' | 'endpoints'>, name: string): string {
  const names = (service.endpoints ?? []).map((e) => e.name);
  return `"${service.name}" has no endpoint "${name}"${names.length ? ` (it has: ${names.join(', ')})` : ' (it has none)'}.`;
}
