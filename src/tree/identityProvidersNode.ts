/**
 * Identity Providers under an organization: the built-in provider and each external one, with the environments it
 * applies to and the external consumers whose keys use it (each a row that opens that consumer). Under the built-in
 * provider, a Users row per environment lists its test users.
 */
import * as vscode from 'vscode';
import type { Environment, IdentityProvider, ResourceUse, TestUser } from '../api';
import { CachedNode } from './cachedNode';
import { nodeIds } from './nodeIds';
import type { ComponentRef, OrgRef } from '../api/refs';
import type { IdentityProviderTarget, TestUsersTarget } from '../useCases/targets';
import { groupItem, type TreeContext, TreeNode } from './treeNode';

export class IdentityProvidersNode extends CachedNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly ref: OrgRef,
  ) {
    super(parent, ctx);
    this.id = nodeIds.identityProviders(ref.orgHandle);
  }
  getTreeItem(): vscode.TreeItem {
    return groupItem(
      this.id,
      vscode.l10n.t('Identity Providers'),
      'shield',
      'identityProviders',
      vscode.l10n.t("The identity providers of {0}: who issues its external consumers' access tokens", this.ref.orgHandle),
    );
  }
  protected override emptyLabel(): string {
    return vscode.l10n.t('No identity providers');
  }
  protected async loadChildren(): Promise<TreeNode[]> {
    const client = await this.ctx.client();
    const [providers, environments] = await Promise.all([client.listIdentityProviders(this.ref.orgHandle), client.listEnvironments(this.ref.orgHandle)]);
    const envName = environmentNamer(environments);
    return providers.map((p) => new IdentityProviderNode(this, this.ctx, p, envName, environments));
  }
}

/** An environment's name by its handle (the handle itself for one the list does not have). */
export function environmentNamer(environments: readonly Pick<Environment, 'handle' | 'name'>[]): (handle: string) => string {
  const names = new Map(environments.map((e) => [e.handle, e.name]));
  return (handle) => names.get(handle) ?? handle;
}

/** "All environments", or their names. */
export function environmentsLabel(p: Pick<IdentityProvider, 'environments'>, envName: (handle: string) => string): string {
  return p.environments === 'all' ? vscode.l10n.t('All environments') : p.environments.map(envName).join(', ') || vscode.l10n.t('No environment');
}

export class IdentityProviderNode extends TreeNode {
  readonly id: string;
  readonly ref: IdentityProviderTarget;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly provider: IdentityProvider,
    private readonly envName: (handle: string) => string,
    private readonly environments: readonly Pick<Environment, 'handle' | 'name'>[] = [],
  ) {
    super(parent, ctx);
    this.id = nodeIds.identityProvider(provider.orgHandle, provider.id);
    this.ref = { orgHandle: provider.orgHandle, identityProviderId: provider.id, identityProvider: provider };
  }
  private get uses(): ResourceUse[] {
    return this.provider.usedBy ?? [];
  }
  /** The environments whose test users live in this provider: the built-in one's, where it applies. */
  private get userStores(): Pick<Environment, 'handle' | 'name'>[] {
    const p = this.provider;
    if (p.kind !== 'built-in') return [];
    return this.environments.filter((e) => p.environments === 'all' || p.environments.includes(e.handle));
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.provider;
    const builtIn = p.kind === 'built-in';
    const item = new vscode.TreeItem(
      p.name,
      this.uses.length || this.userStores.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    const used = this.uses.length ? vscode.l10n.t(' · used by {0}', this.uses.length) : '';
    item.description = `${builtIn ? vscode.l10n.t('built-in') : hostOf(p.issuer)}${used}`;
    item.iconPath = new vscode.ThemeIcon(builtIn ? 'verified' : 'shield');
    item.contextValue = builtIn ? 'identityProvider.builtIn' : 'identityProvider.external';
    item.tooltip = [
      builtIn ? vscode.l10n.t('{0} (built-in identity provider)', p.name) : vscode.l10n.t('{0} (external identity provider)', p.name),
      vscode.l10n.t('Issuer: {0}', p.issuer),
      vscode.l10n.t('Environments: {0}', environmentsLabel(p, this.envName)),
      this.uses.length
        ? vscode.l10n.t('Used by: {0}', this.uses.map((u) => `${u.displayName} (${u.environment ? this.envName(u.environment) : u.projectHandle})`).join(', '))
        : vscode.l10n.t('Used by no external consumer'),
    ].join('\n');
    return item;
  }
  override async getChildren(): Promise<TreeNode[]> {
    const rows: TreeNode[] = [
      ...this.userStores.map((e) => new TestUsersNode(this, this.ctx, { orgHandle: this.provider.orgHandle, environment: e.handle, environmentName: e.name })),
      ...this.uses.map((u) => new IdentityProviderUseNode(this, this.ctx, this.provider, u, this.envName)),
    ];
    rows.forEach((r) => this.ctx.register(r));
    return rows;
  }
}

/** An external consumer whose keys in one environment come from the provider above; opens that consumer. */
export class IdentityProviderUseNode extends TreeNode {
  readonly id: string;
  readonly ref: ComponentRef;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    provider: IdentityProvider,
    readonly use: ResourceUse,
    private readonly envName: (handle: string) => string,
  ) {
    super(parent, ctx);
    this.id = nodeIds.identityProviderUse(provider.orgHandle, provider.id, use.projectHandle, use.componentName, use.environment ?? '');
    this.ref = { orgHandle: use.orgHandle, projectHandle: use.projectHandle, componentName: use.componentName };
  }
  getTreeItem(): vscode.TreeItem {
    const u = this.use;
    const item = new vscode.TreeItem(u.displayName, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = [u.environment ? this.envName(u.environment) : undefined, u.projectHandle].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('device-mobile');
    item.contextValue = 'identityProviderUse';
    item.tooltip = vscode.l10n.t(
      'External consumer {0} ({1}/{2}){3}\nClick to open its Overview.',
      u.displayName,
      u.projectHandle,
      u.componentName,
      u.environment ? vscode.l10n.t(': its keys in {0}', this.envName(u.environment)) : '',
    );
    item.command = { command: 'choreo.openOverview', title: vscode.l10n.t('Open Overview'), arguments: [this.ref] };
    return item;
  }
}

/** Users: the test users of the built-in provider in one environment, for trying out apps that sign people in. */
export class TestUsersNode extends CachedNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly ref: TestUsersTarget & { environmentName: string },
  ) {
    super(parent, ctx);
    this.id = nodeIds.testUsers(ref.orgHandle, ref.environment);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Users'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.ref.environmentName;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'testUsers';
    item.tooltip = vscode.l10n.t(
      'Test users of the built-in identity provider in {0}: for trying out apps that sign people in, not for production users',
      this.ref.environmentName,
    );
    return item;
  }
  protected override emptyLabel(): string {
    return vscode.l10n.t('No test users yet: Add User or Import Users');
  }
  protected async loadChildren(): Promise<TreeNode[]> {
    const users = await (await this.ctx.client()).listTestUsers(this.ref.orgHandle, this.ref.environment);
    return users.map((u) => new TestUserNode(this, this.ctx, this.ref, u));
  }
}

/** One test user: the username, with its groups beside it. */
export class TestUserNode extends TreeNode {
  readonly id: string;
  readonly ref: TestUsersTarget & { username: string };
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    store: TestUsersTarget & { environmentName: string },
    readonly user: TestUser,
  ) {
    super(parent, ctx);
    this.id = nodeIds.testUser(store.orgHandle, store.environment, user.username);
    this.ref = { ...store, username: user.username };
  }
  getTreeItem(): vscode.TreeItem {
    const u = this.user;
    const item = new vscode.TreeItem(u.username, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = u.groups.join(', ');
    item.iconPath = new vscode.ThemeIcon('person');
    item.contextValue = 'testUser';
    const name = [u.firstName, u.lastName].filter(Boolean).join(' ');
    item.tooltip = [
      name ? vscode.l10n.t('Test user {0} ({1})', u.username, name) : vscode.l10n.t('Test user {0}', u.username),
      u.email,
      u.groups.length ? vscode.l10n.t('Groups: {0}', u.groups.join(', ')) : vscode.l10n.t('In no group'),
    ]
      .filter(Boolean)
      .join('\n');
    return item;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
