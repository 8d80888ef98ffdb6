/** A project: its components, paged, filtered by the view's name prefix. */
import * as vscode from 'vscode';
import type { Component, Project } from '../api';
import { PagedNode, PAGE_SIZE, type TreeContext, type TreeNode } from './treeNode';
import { ComponentNode } from './componentNode';
import { nodeIds } from './nodeIds';
import type { ProjectRef } from '../api/refs';

export class ProjectNode extends PagedNode<Component> {
  readonly id: string;
  readonly ref: ProjectRef;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly project: Project,
  ) {
    super(parent, ctx);
    this.id = nodeIds.project(project.orgHandle, project.handle);
    this.ref = { orgHandle: project.orgHandle, projectHandle: project.handle };
  }
  protected override emptyLabel(): string {
    return this.ctx.filter ? vscode.l10n.t('No component name starts with "{0}"', this.ctx.filter) : vscode.l10n.t('No components yet');
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.project.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.ctx.filter ? vscode.l10n.t('{0} · filter: {1}*', this.project.handle, this.ctx.filter) : this.project.handle;
    item.iconPath = new vscode.ThemeIcon('project');
    item.contextValue = 'project';
    item.tooltip = this.project.description || vscode.l10n.t('Project {0}', this.project.name);
    return item;
  }
  protected async fetchPage(cursor: string | undefined) {
    const client = await this.ctx.client();
    return client.listComponents(this.ref.orgHandle, this.ref.projectHandle, { limit: PAGE_SIZE, cursor, prefix: this.ctx.filter });
  }
  protected toNode(component: Component): TreeNode {
    return new ComponentNode(this, this.ctx, component);
  }
}
