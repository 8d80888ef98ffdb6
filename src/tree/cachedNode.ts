import { errorRow, MessageNode, TreeNode } from './treeNode';
import * as l10n from '@vscode/l10n';

/** A node whose children come in one load (not paged): cached, with an error row and Retry when the load fails. */
export abstract class CachedNode extends TreeNode {
  private nodes: TreeNode[] | undefined;
  private loading: Promise<TreeNode[]> | undefined;

  protected abstract loadChildren(): Promise<TreeNode[]>;
  protected emptyLabel(): string {
    return l10n.t('Nothing here yet');
  }

  override async getChildren(): Promise<TreeNode[]> {
    if (!this.nodes) {
      this.loading ??= this.loadChildren().finally(() => (this.loading = undefined));
      try {
        this.nodes = await this.loading;
        this.nodes.forEach((n) => this.ctx.register(n));
      } catch (e) {
        return [errorRow(this, this.ctx, e)];
      }
    }
    return this.nodes.length ? this.nodes : [new MessageNode(this, this.ctx, this.emptyLabel(), 'info')];
  }

  get loaded(): readonly TreeNode[] {
    return this.nodes ?? [];
  }

  override reset(): void {
    this.nodes = undefined;
  }
}
