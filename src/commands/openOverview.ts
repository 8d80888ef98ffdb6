import type { CommandContext } from './commandContext';
import { targetComponent } from './targets';

/** Open Overview of a component. The opener is swappable (`ctx.overview`): today a read-only document, later the webview. */
export async function openOverview(ctx: CommandContext, arg?: unknown): Promise<void> {
  const component = await targetComponent(ctx, arg);
  await ctx.overview.open(component);
}
