/**
 * What a use case acts on: a ref of src/api/refs.ts (by handle), given whole by a tree row, a form or a test, or in
 * part (`{ orgHandle, projectHandle, componentName, environment }`); the prompt steps here fill in the rest, asking
 * only for what is missing and fetching what the server knows (a component's id, an environment's name and keys).
 * A target is its resource's ref plus what the server said about it, so a tree row and a command share one shape.
 */
import type { AuthConfiguration, Component, ComponentType, Connection, ConnectionConfig, Endpoint, IdentityProvider } from '../api';
import type { ComponentRef, EnvironmentRef, IdentityProviderRef, MemberRef, OrgRef, ProjectRef, TestUsersRef } from '../api/refs';
import type { Role } from '../api/roles';
import type { ConsumerSecretRef } from '../secrets/credentialVault';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

/** A component, with what its tree row shows and a use case needs without another fetch. */
export interface ComponentTarget extends ComponentRef {
  componentId: string;
  type: ComponentType;
  displayName: string;
}
/** An environment of an external consumer, with its authentication configuration when it has one. */
export interface EnvironmentTarget extends EnvironmentRef, ComponentTarget {
  environmentName: string;
  auth?: AuthConfiguration;
}
export interface ConnectionTarget extends ComponentTarget {
  connection: Connection;
}
export interface EndpointTarget extends ComponentTarget {
  endpoint: Endpoint;
}
/** A member of an organization, with the role it has and the name the tree shows. */
export interface MemberTarget extends MemberRef {
  role: Role;
  name: string;
}
/** An identity provider of an organization, as the server has it (with the consumers using it, in the tree). */
export interface IdentityProviderTarget extends IdentityProviderRef {
  identityProvider: IdentityProvider;
}

/** The test users of one environment (its Users row under the built-in provider), with the environment's name. */
export interface TestUsersTarget extends TestUsersRef {
  environmentName?: string;
}

/** A target as a command receives it: a tree node (its `ref`), the ref itself, or part of it. */
export type Target<R> = Partial<R> | { readonly ref: Partial<R> } | undefined;

/** The ref of a tree node, or the argument itself; anything else (an array VS Code passes, a string) is no target. */
export function refOf<R>(arg: Target<R>): Partial<R> {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return {};
  const ref = (arg as { ref?: unknown }).ref;
  return (ref && typeof ref === 'object' ? ref : arg) as Partial<R>;
}

/** The most items a picker offers. */
const PICK_LIMIT = 500;

export async function resolveOrg(ctx: UseCaseContext, given: Partial<OrgRef>): Promise<OrgRef> {
  if (given.orgHandle) return { orgHandle: given.orgHandle };
  const client = await ctx.client();
  const { items } = await client.listOrganizations({ limit: PICK_LIMIT });
  if (!items.length) throw new UseCaseError('no_organization', l10n.t('There is no organization yet. Run "Create Organization" first.'));
  if (items.length === 1) return { orgHandle: items[0]!.handle };
  const picked = await ctx.ui.pick(
    items.map((o) => ({ label: o.name, description: o.handle, org: o.handle })),
    { title: l10n.t('Organization') },
  );
  return { orgHandle: picked.org };
}

export async function resolveProject(ctx: UseCaseContext, given: Partial<ProjectRef>): Promise<ProjectRef> {
  const { orgHandle: org } = await resolveOrg(ctx, given);
  if (given.projectHandle) return { orgHandle: org, projectHandle: given.projectHandle };
  const client = await ctx.client();
  const { items } = await client.listProjects(org, { limit: PICK_LIMIT });
  if (!items.length) throw new UseCaseError('no_project', l10n.t`Organization ${org} has no project yet. Run "Create Project" first.`);
  if (items.length === 1) return { orgHandle: org, projectHandle: items[0]!.handle };
  const picked = await ctx.ui.pick(
    items.map((p) => ({ label: p.name, description: p.handle, project: p.handle })),
    { title: l10n.t('Project') },
  );
  return { orgHandle: org, projectHandle: picked.project };
}

export function componentTargetOf(c: Component): ComponentTarget {
  return { orgHandle: c.orgHandle, projectHandle: c.projectHandle, componentName: c.name, componentId: c.id, type: c.type, displayName: c.displayName };
}

export async function resolveComponent(ctx: UseCaseContext, given: Partial<ComponentTarget>, type?: ComponentType): Promise<ComponentTarget> {
  let ref: ComponentTarget;
  if (given.orgHandle && given.projectHandle && given.componentName && given.componentId && given.type && given.displayName) {
    ref = {
      orgHandle: given.orgHandle,
      projectHandle: given.projectHandle,
      componentName: given.componentName,
      componentId: given.componentId,
      type: given.type,
      displayName: given.displayName,
    };
  } else {
    const { orgHandle: org, projectHandle: project } = await resolveProject(ctx, given);
    const client = await ctx.client();
    if (given.componentName) {
      ref = componentTargetOf(await client.getComponent(org, project, given.componentName));
    } else {
      const { items } = await client.listComponents(org, project, { limit: PICK_LIMIT, type });
      const what = type === 'service' ? l10n.t('service') : type ? l10n.t('external consumer') : l10n.t('component');
      if (!items.length) throw new UseCaseError('no_component', l10n.t`Project ${project} has no ${what} yet.`);
      const picked = await ctx.ui.pick(
        items.map((c) => ({ label: c.displayName, description: c.name, component: c })),
        { title: type === 'external-consumer' ? l10n.t('External consumer') : l10n.t('Component') },
      );
      ref = componentTargetOf(picked.component);
    }
  }
  if (type === 'external-consumer' && ref.type !== 'external-consumer') {
    throw new UseCaseError('not_external_consumer', l10n.t`${ref.displayName} is a service; authentication and connections belong to external consumers.`);
  }
  return ref;
}

/** An environment of an external consumer, with its authentication configuration as it is now (fetched fresh). */
export async function resolveEnvironment(ctx: UseCaseContext, given: Partial<EnvironmentTarget>): Promise<EnvironmentTarget> {
  const owner = await resolveComponent(ctx, given, 'external-consumer');
  const client = await ctx.client();
  const [environments, auth] = await Promise.all([
    client.listEnvironments(owner.orgHandle),
    client.listAuthConfigurations(owner.orgHandle, owner.projectHandle, owner.componentName),
  ]);
  const handle =
    given.environment ??
    (
      await ctx.ui.pick(
        environments.map((e) => ({ label: e.name, description: e.handle, handle: e.handle })),
        { title: l10n.t`Environment of ${owner.displayName}` },
      )
    ).handle;
  const env = environments.find((e) => e.handle === handle);
  if (!env) throw new UseCaseError('not_found', l10n.t`Organization ${owner.orgHandle} has no environment "${handle}".`);
  return { ...owner, environment: env.handle, environmentName: env.name, auth: auth.find((a) => a.environment === env.handle) };
}

/**
 * An identity provider of an organization, as the server has it now (fetched fresh: a tree row may be old). Without
 * one given, a picker of the organization's providers; `external` leaves the built-in one out (Refresh, Delete).
 */
export async function resolveIdentityProvider(
  ctx: UseCaseContext,
  given: Partial<IdentityProviderRef>,
  o: { external?: boolean } = {},
): Promise<IdentityProviderTarget> {
  const { orgHandle: org } = await resolveOrg(ctx, given);
  const client = await ctx.client();
  const target = (p: IdentityProvider): IdentityProviderTarget => ({ orgHandle: org, identityProviderId: p.id, identityProvider: p });
  if (given.identityProviderId) return target(await client.getIdentityProvider(org, given.identityProviderId));
  const providers = (await client.listIdentityProviders(org)).filter((p) => !o.external || p.kind === 'external');
  if (!providers.length)
    throw new UseCaseError('no_identity_provider', l10n.t`Organization ${org} has no external identity provider yet. Run "Add Identity Provider" first.`);
  const picked =
    providers.length === 1
      ? providers[0]!
      : (
          await ctx.ui.pick(
            providers.map((p) => ({ label: p.name, description: p.kind === 'built-in' ? 'built-in' : p.issuer, provider: p })),
            { title: l10n.t`Identity provider of ${org}` },
          )
        ).provider;
  return target(picked);
}

/** A connection of an external consumer in one environment, with its config there. */
export interface ConnectionInEnvironment {
  ref: ConnectionTarget;
  environment: string;
  environmentName: string;
  config: ConnectionConfig;
}

export async function resolveConnection(ctx: UseCaseContext, given: Partial<ConnectionTarget & { environment: string }>): Promise<ConnectionInEnvironment> {
  const owner = await resolveComponent(ctx, given, 'external-consumer');
  const client = await ctx.client();
  let connection = given.connection;
  if (!connection) {
    const connections = await client.listConnections(owner.orgHandle, owner.projectHandle, owner.componentName);
    if (!connections.length) throw new UseCaseError('no_connection', l10n.t`${owner.displayName} has no connection yet. Run "Create Connection" first.`);
    connection =
      connections.length === 1
        ? connections[0]!
        : (
            await ctx.ui.pick(
              connections.map((c) => ({ label: c.name, description: `→ ${c.serviceComponentName}/${c.endpointName}`, connection: c })),
              { title: l10n.t`Connection of ${owner.displayName}` },
            )
          ).connection;
  }
  const environments = await client.listEnvironments(owner.orgHandle);
  const handle =
    given.environment ??
    (environments.length === 1
      ? environments[0]!.handle
      : (
          await ctx.ui.pick(
            environments.map((e) => ({ label: e.name, description: e.handle, handle: e.handle })),
            { title: l10n.t`Environment for ${connection.name}` },
          )
        ).handle);
  const env = environments.find((e) => e.handle === handle);
  if (!env) throw new UseCaseError('not_found', l10n.t`Organization ${owner.orgHandle} has no environment "${handle}".`);
  const config = await client.getConnectionConfig(owner.orgHandle, owner.projectHandle, owner.componentName, connection.name, env.handle);
  return { ref: { ...owner, connection }, environment: env.handle, environmentName: env.name, config };
}

/**
 * Where a consumer's secret lives in the vault: this one function builds the key for every use case, so a secret
 * stored by a form is the one a command finds (they once built it apart, and the form's lacked org and project).
 */
export function secretRefOf(
  controlPlane: string,
  env: Pick<EnvironmentTarget, 'orgHandle' | 'projectHandle' | 'componentId' | 'environment'>,
  identityProvider?: string,
): ConsumerSecretRef {
  return {
    controlPlane,
    org: env.orgHandle,
    project: env.projectHandle,
    componentId: env.componentId,
    environment: env.environment,
    ...(identityProvider ? { identityProvider } : {}),
  };
}
