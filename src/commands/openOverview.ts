import type { ComponentRef } from '../tree/refs';
import { refOf, resolveComponent, type Target } from '../useCases/targets';
import type { CommandContext } from './commandContext';

/** Open Overview of a component. */
export async function openOverview(ctx: CommandContext, target?: Target<ComponentRef>): Promise<void> {
  await ctx.forms.openOverview(await resolveComponent(ctx, refOf(target)));
}
