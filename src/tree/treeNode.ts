/**
 * Tree nodes cache their children and explain themselves: a failed load becomes an error row with Retry, a long
 * list a "Load more…" row, an empty one a "Nothing here yet" row.
 */
import * as vscode from 'vscode';
import type { Page } from '../api/common';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { OrgRoles } from './roles';

export const PAGE_SIZE = 100;

export interface TreeContext {
  client(): Promise<ControlPlaneClient>;
  /** Name prefix that component lists are filtered by. */
  readonly filter: string | undefined;
  /** Lets the provider find a node by id to refresh just its subtree. */
  register(node: TreeNode): void;
  /** The caller's role per organization (team control planes). */
  readonly roles: OrgRoles;
}

export abstract class TreeNode {
  abstract readonly id: string;
  constructor(
    readonly parent: TreeNode | undefined,
    protected readonly ctx: TreeContext,
  ) {}
  abstract getTreeItem(): vscode.TreeItem;
  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
  /** Forgets cached children, so the next expansion loads them again. */
  reset(): void {}
}

/** A row that only says something: "Nothing here yet", "Load more…", an error with Retry. */
export class MessageNode extends TreeNode {
  readonly id: string;
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    private readonly label: string,
    private readonly icon: string,
    private readonly command?: vscode.Command,
    private readonly tooltip?: string,
    kind = 'message',
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/${kind}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.command = this.command;
    item.tooltip = this.tooltip;
    item.contextValue = 'message';
    return item;
  }
}

export function errorRow(parent: TreeNode, ctx: TreeContext, error: unknown): MessageNode {
  const message = error instanceof Error ? error.message : String(error);
  return new MessageNode(
    parent,
    ctx,
    vscode.l10n.t('Could not load: {0}', message),
    'error',
    { command: 'choreo.refresh', title: vscode.l10n.t('Retry'), arguments: [parent] },
    `${message}\nClick to retry.`,
    'error',
  );
}

/**
 * A node whose children come from a paged list route: one load at a time, pages of {@link PAGE_SIZE}, and a
 * "Load more…" row while the server has more.
 */
export abstract class PagedNode<T> extends TreeNode {
  private nodes: TreeNode[] | undefined;
  private nextCursor: string | undefined;
  private error: unknown;
  private loading: Promise<void> | undefined;

  protected abstract fetchPage(cursor: string | undefined): Promise<Page<T>>;
  protected abstract toNode(item: T): TreeNode;
  protected emptyLabel(): string {
    return vscode.l10n.t('Nothing here yet');
  }

  override async getChildren(): Promise<TreeNode[]> {
    if (!this.nodes && this.error === undefined) await this.load(undefined);
    if (this.error !== undefined && !this.nodes) return [errorRow(this, this.ctx, this.error)];
    const rows = [...(this.nodes ?? [])];
    if (this.error !== undefined) rows.push(errorRow(this, this.ctx, this.error));
    else if (this.nextCursor) {
      rows.push(
        new MessageNode(
          this,
          this.ctx,
          vscode.l10n.t('Load more…'),
          'ellipsis',
          { command: 'choreo.loadMore', title: vscode.l10n.t('Load More'), arguments: [this] },
          undefined,
          'more',
        ),
      );
    }
    if (!rows.length) rows.push(new MessageNode(this, this.ctx, this.emptyLabel(), 'info'));
    return rows;
  }

  /** Loaded child nodes so far (without message rows). */
  get loaded(): readonly TreeNode[] {
    return this.nodes ?? [];
  }

  async loadMore(): Promise<void> {
    if (this.nextCursor) await this.load(this.nextCursor);
  }

  override reset(): void {
    this.nodes = undefined;
    this.nextCursor = undefined;
    this.error = undefined;
  }

  private load(cursor: string | undefined): Promise<void> {
    this.loading ??= (async () => {
      try {
        const page = await this.fetchPage(cursor);
        const fresh = page.items.map((i) => this.toNode(i));
        fresh.forEach((n) => this.ctx.register(n));
        this.nodes = cursor ? [...(this.nodes ?? []), ...fresh] : fresh;
        this.nextCursor = page.nextCursor;
        this.error = undefined;
      } catch (e) {
        this.error = e;
      }
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Whether the last load failed (the root shows the welcome's "unreachable" content then). */
  get failure(): unknown {
    return this.error;
  }
}

/** A group row that opens on its children (Identity Providers, Members): its label, icon, menu key and tooltip. */
export function groupItem(id: string, label: string, icon: string, contextValue: string, tooltip: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = contextValue;
  item.tooltip = tooltip;
  return item;
}
