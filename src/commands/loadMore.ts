import type { CommandContext } from './commandContext';
import type { TreeNode } from '../tree/treeNode';

/** Load more… row: the next page of that list. */
export async function loadMore(ctx: CommandContext, node?: unknown): Promise<void> {
  if (node && typeof node === 'object' && 'getTreeItem' in node) await ctx.tree.loadMore(node as TreeNode);
}
