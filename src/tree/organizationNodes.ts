/** The top of the tree: organizations, each expanding into its projects. */
import * as vscode from 'vscode';
import type { Organization, Project } from '../api';
import { PagedNode, PAGE_SIZE, type TreeContext, type TreeNode } from './treeNode';
import { ProjectNode } from './projectNode';
import { nodeIds } from './nodeIds';
import type { OrgRef } from '../api/refs';
import { MembersNode } from './membersNode';
import { IdentityProvidersNode } from './identityProvidersNode';

export class OrganizationsRoot extends PagedNode<Organization> {
  readonly id = 'orgs';
  constructor(ctx: TreeContext) {
    super(undefined, ctx);
  }
  getTreeItem(): vscode.TreeItem {
    return new vscode.TreeItem(vscode.l10n.t('Organizations'));
  }
  protected async fetchPage(cursor: string | undefined) {
    return (await this.ctx.client()).listOrganizations({ limit: PAGE_SIZE, cursor });
  }
  protected toNode(org: Organization): TreeNode {
    return new OrganizationNode(this, this.ctx, org);
  }
}

export class OrganizationNode extends PagedNode<Project> {
  readonly id: string;
  readonly ref: OrgRef;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly organization: Organization,
  ) {
    super(parent, ctx);
    this.id = nodeIds.org(organization.handle);
    this.ref = { orgHandle: organization.handle };
  }
  protected override emptyLabel(): string {
    return vscode.l10n.t('No projects yet');
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.organization.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.organization.handle;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'organization';
    item.tooltip = vscode.l10n.t('Organization {0} ({1})', this.organization.name, this.organization.handle);
    return item;
  }
  /** Projects, then Identity Providers, then Members on a team control plane. */
  override async getChildren(): Promise<TreeNode[]> {
    const rows = await super.getChildren();
    this.identityProviders ??= new IdentityProvidersNode(this, this.ctx, this.ref);
    this.ctx.register(this.identityProviders);
    if (!this.ctx.roles.forPerson) return [...rows, this.identityProviders];
    this.members ??= new MembersNode(this, this.ctx, this.ref);
    this.ctx.register(this.members);
    return [...rows, this.identityProviders, this.members];
  }
  private members: MembersNode | undefined;
  private identityProviders: IdentityProvidersNode | undefined;

  override reset(): void {
    super.reset();
    this.identityProviders?.reset();
  }

  protected async fetchPage(cursor: string | undefined) {
    return (await this.ctx.client()).listProjects(this.organization.handle, { limit: PAGE_SIZE, cursor });
  }
  protected toNode(project: Project): TreeNode {
    return new ProjectNode(this, this.ctx, project);
  }
}
