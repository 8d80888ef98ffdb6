/**
 * The `choreo.resources` view: organizations → projects → components → environments / connections / endpoints.
 * At the root, a failed load or an empty list leaves the tree empty so the view's welcome content (context key
 * `choreo.state`: empty | starting | unreachable) speaks instead, with Create Organization or Retry and Show Logs.
 */
import * as vscode from 'vscode';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { Change } from '../useCases/context';
import { idsFor, nodeIds } from './nodeIds';
import { OrganizationsRoot } from './organizationNodes';
import { ProjectNode } from './projectNode';
import { PagedNode, type TreeContext, type TreeNode } from './treeNode';
import { OrganizationNode } from './organizationNodes';
import { OrgRoles } from './roles';

/** `stopped`: the user stopped the local control plane (its own welcome: Start). */
export type ViewState = 'empty' | 'starting' | 'unreachable' | 'ready' | 'stopped';

export interface TreeServices {
  /** Resolves once the control plane is up; rejects (or resolves `undefined`) when it cannot be reached. */
  client(): Promise<ControlPlaneClient | undefined>;
  setViewState(state: ViewState, message?: string): void;
}

export class ResourcesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, WeakRef<TreeNode>>();
  private root: OrganizationsRoot;
  private filterPrefix: string | undefined;
  private readonly ctx: TreeContext;
  private readonly roles = new OrgRoles();

  constructor(private readonly services: TreeServices) {
    const self = this;
    this.ctx = {
      async client() {
        const c = await services.client();
        if (!c) throw new Error(vscode.l10n.t('The control plane cannot be reached.'));
        return c;
      },
      get filter() {
        return self.filterPrefix;
      },
      register: (n) => this.nodes.set(n.id, new WeakRef(n)),
      roles: this.roles,
    };
    this.root = new OrganizationsRoot(this.ctx);
  }

  get filter(): string | undefined {
    return this.filterPrefix;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = node.getTreeItem();
    // The menus follow the caller's role in the node's organization (see roles.ts).
    const org = organizationOf(node);
    if (org && item.contextValue && item.contextValue !== 'message') item.contextValue += this.roles.suffix(org);
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent === this.root ? undefined : node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren();
    const client = await this.services.client().catch(() => undefined);
    if (!client) {
      this.services.setViewState('unreachable');
      return [];
    }
    await this.roles.load(client);
    const rows = await this.root.getChildren();
    if (this.root.failure !== undefined && !this.root.loaded.length) {
      const message = this.root.failure instanceof Error ? this.root.failure.message : String(this.root.failure);
      this.services.setViewState('unreachable', message);
      this.root.reset();
      return [];
    }
    this.services.setViewState(this.root.loaded.length ? 'ready' : 'empty');
    return this.root.loaded.length ? rows : [];
  }

  /** Reloads one subtree, or everything without an argument. */
  refresh(node?: TreeNode): void {
    if (!node || node === this.root) {
      this.root.reset();
      this.changed.fire(undefined);
      return;
    }
    node.reset();
    this.changed.fire(node);
  }

  /** Reloads the nearest row a change touches that the tree has shown (the whole tree when it has shown none). */
  refreshFor(change: Change): void {
    const node = idsFor(change)
      .map((id) => this.nodes.get(id)?.deref())
      .find((n) => n !== undefined);
    this.refresh(node);
    // Keys, consumers and projects come and go with who uses which identity provider: the organization's Identity
    // Providers row reloads too (one list call), unless the row reloaded above holds it already.
    if (!node || !change.orgHandle || node.id === nodeIds.org(change.orgHandle) || change.testUsers) return;
    const providers = this.nodes.get(nodeIds.identityProviders(change.orgHandle))?.deref();
    if (providers && providers !== node) this.refresh(providers);
  }

  /** Loads the next page of a paged node. */
  async loadMore(node: TreeNode): Promise<void> {
    if (node instanceof PagedNode) {
      await node.loadMore();
      this.changed.fire(node === this.root ? undefined : node);
    }
  }

  /** Filters component lists by a name prefix; empty clears the filter. */
  setFilter(prefix: string | undefined): void {
    this.filterPrefix = prefix?.trim().toLowerCase() || undefined;
    for (const ref of this.nodes.values()) {
      const n = ref.deref();
      if (n instanceof ProjectNode) n.reset();
    }
    this.changed.fire(undefined);
  }

  /**
   * Finds the node at the end of a path of ids from the root (e.g. org → project → component), loading each level's
   * first page as needed; undefined when a step is not there (filtered out, or beyond the first page).
   */
  async resolvePath(ids: readonly string[]): Promise<TreeNode | undefined> {
    let node: TreeNode | undefined;
    let children = await this.getChildren();
    for (const [i, id] of ids.entries()) {
      node = children.find((c) => c.id === id);
      if (!node) return undefined;
      if (i < ids.length - 1) children = await node.getChildren();
    }
    return node;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The handle of the organization a node is in (itself included). */
function organizationOf(node: TreeNode): string | undefined {
  for (let n: TreeNode | undefined = node; n; n = n.parent) if (n instanceof OrganizationNode) return n.organization.handle;
  return undefined;
}
