/** Creating an organization also creates what Choreo gives every organization: Development and Production
 * environments, the built-in identity provider and a default project. */
import { randomUUID } from 'node:crypto';
import { toDnsLabel } from '../../api/common';
import type { CreateOrganization } from '../../api/organizations';
import { nameTaken, validationFailed } from '../http/errors';
import type { Store, WriteOp } from '../store/store';
import { UniqueViolation } from '../store/store';
import { C, EnvironmentRecord, IdentityProviderRecord, OrganizationRecord, ProjectRecord } from './records';
import { BUILT_IN_IDP_NAME } from './views';

export const DEFAULT_ENVIRONMENTS = [
  { handle: 'development', name: 'Development', critical: false },
  { handle: 'production', name: 'Production', critical: true },
];
export const DEFAULT_PROJECT = { handle: 'default', name: 'Default Project' };

/** Writes that other features add to the organization's creation (the sample service), done in the same write so an
 * organization never exists without them. */
export type OrganizationSeed = (org: OrganizationRecord, defaultProject: ProjectRecord, environments: string[]) => WriteOp[];

export async function createOrganization(store: Store, input: CreateOrganization, seed?: OrganizationSeed): Promise<OrganizationRecord> {
  const handle = input.handle ?? toDnsLabel(input.name);
  if (!handle) {
    const message = 'The name has no letters or digits to make a handle from: give a handle, or a name with letters.';
    throw validationFailed(message, [{ path: 'handle', message }]);
  }
  const now = new Date().toISOString();
  const org: OrganizationRecord = { id: randomUUID(), handle, name: input.name, createdAt: now };
  const ops: WriteOp[] = [{ op: 'put', collection: C.orgs, record: org }];
  DEFAULT_ENVIRONMENTS.forEach((e, order) => {
    const env: EnvironmentRecord = { id: randomUUID(), orgId: org.id, ...e, order };
    ops.push({ op: 'put', collection: C.environments, record: env });
  });
  const idp: IdentityProviderRecord = {
    id: randomUUID(),
    orgId: org.id,
    kind: 'built-in',
    name: BUILT_IN_IDP_NAME,
    description: "Issues OAuth 2.0 client credentials and JWT access tokens for this organization's external consumers.",
    environments: 'all',
    createdAt: now,
  };
  ops.push({ op: 'put', collection: C.identityProviders, record: idp });
  const project: ProjectRecord = {
    id: randomUUID(),
    orgId: org.id,
    orgHandle: org.handle,
    handle: DEFAULT_PROJECT.handle,
    name: DEFAULT_PROJECT.name,
    description: '',
    createdAt: now,
  };
  ops.push({ op: 'put', collection: C.projects, record: project });
  if (seed)
    ops.push(
      ...seed(
        org,
        project,
        DEFAULT_ENVIRONMENTS.map((e) => e.handle),
      ),
    );
  try {
    await store.write(ops);
  } catch (err) {
    if (err instanceof UniqueViolation && err.collection === C.orgs) {
      throw err.index === 'name'
        ? nameTaken(`An organization named "${input.name}" already exists. Choose another name.`, 'name')
        : nameTaken(`The handle "${handle}" is taken by another organization. Give a different handle.`, 'handle');
    }
    throw err;
  }
  return org;
}

export async function builtInIdentityProvider(store: Store, orgId: string): Promise<IdentityProviderRecord | undefined> {
  return (await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', orgId)).find((i) => i.kind === 'built-in');
}
