import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import type { CommandContext } from './commandContext';

/** Configure Authentication of one environment: the form with the built-in and the external identity provider tabs. */
export async function configureAuthentication(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<void> {
  await ctx.forms.openConfigureAuthentication(await resolveEnvironment(ctx, refOf(target)));
}
