import { type ComponentTarget, refOf, resolveComponent, type Target } from '../useCases/targets';
import type { CommandContext } from './commandContext';

/** Open Overview of a component. */
export async function openOverview(ctx: CommandContext, target?: Target<ComponentTarget>): Promise<void> {
  await ctx.forms.openOverview(await resolveComponent(ctx, refOf(target)));
}
