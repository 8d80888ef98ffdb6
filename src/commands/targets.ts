/**
 * Works out what a command acts on: a tree node's `ref`, a plain object with handles (tests, forms), or, failing
 * both, the user's picks.
 */
import type { Component } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { field, pickOne } from './prompts';
import type { ComponentRef, EnvironmentRef, OrgRef, ProjectRef } from '../tree/refs';

/** The ref of a tree node, or the argument itself. */
export function refOf(arg: unknown): Record<string, unknown> | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const ref = (arg as { ref?: unknown }).ref;
  return (ref && typeof ref === 'object' ? ref : arg) as Record<string, unknown>;
}

export async function targetOrg(ctx: CommandContext, arg: unknown): Promise<OrgRef> {
  const org = field(refOf(arg), 'org');
  if (org) return { org };
  const client = await ctx.client();
  const { items } = await client.listOrganizations({ limit: 500 });
  if (!items.length) throw new CommandError('no_organization', 'There is no organization yet. Run "Create Organization" first.');
  if (items.length === 1) return { org: items[0]!.handle };
  const picked = await pickOne(
    items.map((o) => ({ label: o.name, description: o.handle, org: o.handle })),
    { title: 'Organization' },
  );
  return { org: picked.org };
}

export async function targetProject(ctx: CommandContext, arg: unknown): Promise<ProjectRef> {
  const ref = refOf(arg);
  const project = field(ref, 'project');
  const { org } = await targetOrg(ctx, arg);
  if (project) return { org, project };
  const client = await ctx.client();
  const { items } = await client.listProjects(org, { limit: 500 });
  if (!items.length) throw new CommandError('no_project', `Organization ${org} has no project yet. Run "Create Project" first.`);
  if (items.length === 1) return { org, project: items[0]!.handle };
  const picked = await pickOne(
    items.map((p) => ({ label: p.name, description: p.handle, project: p.handle })),
    { title: 'Project' },
  );
  return { org, project: picked.project };
}

export function componentRef(c: Component): ComponentRef {
  return { org: c.orgHandle, project: c.projectHandle, component: c.name, componentId: c.id, type: c.type, displayName: c.displayName };
}

export async function targetComponent(ctx: CommandContext, arg: unknown, type?: Component['type']): Promise<ComponentRef> {
  const ref = refOf(arg);
  const known = ref as Partial<ComponentRef> | undefined;
  if (known?.org && known.project && known.component && known.componentId && known.type) {
    return { org: known.org, project: known.project, component: known.component, componentId: known.componentId, type: known.type, displayName: known.displayName ?? known.component };
  }
  const { org, project } = await targetProject(ctx, arg);
  const client = await ctx.client();
  const name = field(ref, 'component');
  if (name) return componentRef(await client.getComponent(org, project, name));
  const { items } = await client.listComponents(org, project, { limit: 500, type });
  if (!items.length) throw new CommandError('no_component', `Project ${project} has no ${type === 'service' ? 'service' : type ? 'external consumer' : 'component'} yet.`);
  const picked = await pickOne(
    items.map((c) => ({ label: c.displayName, description: c.name, component: c })),
    { title: type === 'external-consumer' ? 'External consumer' : 'Component' },
  );
  return componentRef(picked.component);
}

/** An environment of an external consumer, with its current authentication configuration (fetched fresh). */
export async function targetEnvironment(ctx: CommandContext, arg: unknown): Promise<EnvironmentRef> {
  const owner = await targetComponent(ctx, arg, 'external-consumer');
  if (owner.type !== 'external-consumer') {
    throw new CommandError('not_external_consumer', `${owner.displayName} is a service; authentication is configured on external consumers.`);
  }
  const client = await ctx.client();
  const [environments, auth] = await Promise.all([
    client.listEnvironments(owner.org),
    client.listAuthConfigurations(owner.org, owner.project, owner.component),
  ]);
  let handle = field(refOf(arg), 'environment');
  if (!handle) {
    const picked = await pickOne(
      environments.map((e) => ({ label: e.name, description: e.handle, handle: e.handle })),
      { title: `Environment of ${owner.displayName}` },
    );
    handle = picked.handle;
  }
  const env = environments.find((e) => e.handle === handle);
  if (!env) throw new CommandError('not_found', `Organization ${owner.org} has no environment "${handle}".`);
  return { ...owner, environment: env.handle, environmentName: env.name, auth: auth.find((a) => a.environment === env.handle) };
}

/** Tree id of a component's row, to refresh just that subtree. */
export function componentNodeId(c: { org: string; project: string; component: string }): string {
  return `component:${c.org}/${c.project}/${c.component}`;
}
