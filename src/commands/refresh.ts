import type { CommandContext } from './commandContext';
import type { TreeNode } from '../tree/treeNode';

/** Refresh one subtree (a row's context menu, an error row's Retry) or the whole view; reconnects if the control plane was unreachable. */
export async function refresh(ctx: CommandContext, node?: unknown): Promise<void> {
  if (ctx.connection.state !== 'ready') await ctx.connection.ready();
  const target = node && typeof node === 'object' && 'getTreeItem' in node ? (node as TreeNode) : undefined;
  ctx.tree.refresh(target);
}
