/**
 * A component. An external consumer expands into its environments (each with its authentication state) and a
 * Connections group; a service expands into its endpoints.
 */
import * as vscode from 'vscode';
import type { Component, Connection, Endpoint, Environment, AuthConfiguration } from '../api';
import { TreeNode, type TreeContext } from './treeNode';
import { CachedNode } from './cachedNode';
import { authContextValue, authStateLabel } from './authLabel';
import { nodeIds } from './nodeIds';
import { componentTargetOf, type ComponentTarget, type ConnectionTarget, type EndpointTarget, type EnvironmentTarget } from '../useCases/targets';

export class ComponentNode extends CachedNode {
  readonly id: string;
  readonly ref: ComponentTarget;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly component: Component,
  ) {
    super(parent, ctx);
    this.id = nodeIds.component(component.orgHandle, component.projectHandle, component.name);
    this.ref = componentTargetOf(component);
  }
  get isExternalConsumer(): boolean {
    return this.component.type === 'external-consumer';
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.component.displayName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.component.name;
    item.iconPath = new vscode.ThemeIcon(this.isExternalConsumer ? 'device-mobile' : 'server-process');
    item.contextValue = this.isExternalConsumer ? 'component.externalConsumer' : 'component.service';
    item.tooltip =
      (this.isExternalConsumer
        ? vscode.l10n.t('External consumer {0} ({1})', this.component.displayName, this.component.name)
        : vscode.l10n.t('Service {0} ({1})', this.component.displayName, this.component.name)) +
      (this.component.description ? `\n${this.component.description}` : '');
    return item;
  }
  protected override emptyLabel(): string {
    return this.isExternalConsumer ? vscode.l10n.t('No environments') : vscode.l10n.t('No endpoints');
  }
  protected async loadChildren(): Promise<TreeNode[]> {
    const { orgHandle: org, projectHandle: project, componentName: component } = this.ref;
    if (!this.isExternalConsumer) {
      const endpoints = this.component.endpoints ?? (await (await this.ctx.client()).getComponent(org, project, component)).endpoints ?? [];
      return endpoints.map((e) => new EndpointNode(this, this.ctx, { ...this.ref, endpoint: e }));
    }
    const client = await this.ctx.client();
    const [environments, auth] = await Promise.all([client.listEnvironments(org), client.listAuthConfigurations(org, project, component)]);
    const byEnv = new Map(auth.map((a) => [a.environment, a]));
    const rows: TreeNode[] = environments.map((env) => new EnvironmentNode(this, this.ctx, this.ref, env, byEnv.get(env.handle)));
    rows.push(new ConnectionsNode(this, this.ctx, this.ref));
    return rows;
  }
}

export class EnvironmentNode extends TreeNode {
  readonly id: string;
  readonly ref: EnvironmentTarget;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    owner: ComponentTarget,
    readonly environment: Environment,
    auth: AuthConfiguration | undefined,
  ) {
    super(parent, ctx);
    this.id = nodeIds.environment(owner.orgHandle, owner.projectHandle, owner.componentName, environment.handle);
    this.ref = { ...owner, environment: environment.handle, environmentName: environment.name, auth };
  }
  getTreeItem(): vscode.TreeItem {
    const auth = this.ref.auth;
    const item = new vscode.TreeItem(this.environment.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = authStateLabel(auth);
    item.iconPath = new vscode.ThemeIcon(auth ? 'pass' : 'circle-large-outline');
    item.contextValue = authContextValue(auth);
    item.tooltip = auth
      ? vscode.l10n.t('{0}: {1}\nClient ID: {2}\nToken URL: {3}', this.environment.name, authStateLabel(auth), auth.clientId, auth.tokenUrl)
      : vscode.l10n.t(
          '{0}: not configured. Configure Authentication to use the built-in identity provider (Generate Keys) or an external one (Add Keys).',
          this.environment.name,
        );
    return item;
  }
}

export class ConnectionsNode extends CachedNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly owner: ComponentTarget,
  ) {
    super(parent, ctx);
    this.id = nodeIds.connections(owner.orgHandle, owner.projectHandle, owner.componentName);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Connections'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('plug');
    item.contextValue = 'connections';
    return item;
  }
  protected override emptyLabel(): string {
    return vscode.l10n.t('No connections yet');
  }
  protected async loadChildren(): Promise<TreeNode[]> {
    const { orgHandle: org, projectHandle: project, componentName: component } = this.owner;
    const items: Connection[] = await (await this.ctx.client()).listConnections(org, project, component);
    return items.map((c) => new ConnectionNode(this, this.ctx, { ...this.owner, connection: c }));
  }
}

export class ConnectionNode extends TreeNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly ref: ConnectionTarget,
  ) {
    super(parent, ctx);
    this.id = nodeIds.connection(ref.orgHandle, ref.projectHandle, ref.componentName, ref.connection.name);
  }
  getTreeItem(): vscode.TreeItem {
    const c = this.ref.connection;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `→ ${c.serviceProjectHandle}/${c.serviceComponentName}/${c.endpointName}`;
    item.iconPath = new vscode.ThemeIcon('plug');
    item.contextValue = 'connection';
    return item;
  }
}

export class EndpointNode extends TreeNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly ref: EndpointTarget,
  ) {
    super(parent, ctx);
    this.id = nodeIds.endpoint(ref.orgHandle, ref.projectHandle, ref.componentName, ref.endpoint.name);
  }
  getTreeItem(): vscode.TreeItem {
    const e: Endpoint = this.ref.endpoint;
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = e.visibility;
    item.iconPath = new vscode.ThemeIcon('symbol-interface');
    item.contextValue = 'endpoint';
    item.tooltip =
      Object.entries(e.gatewayUrls)
        .map(([env, url]) => `${env}: ${url}`)
        .join('\n') || e.name;
    return item;
  }
}
