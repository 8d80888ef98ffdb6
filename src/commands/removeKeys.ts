import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { removeKeys as remove } from '../useCases/keys';
import { optionsOf, type CommandContext } from './commandContext';

/** Remove Keys of an environment (asks first, unless `{ confirm: true }`): built-in or external, it has none after. */
export async function removeKeys(ctx: CommandContext, target?: Target<EnvironmentTarget>, options?: { confirm?: boolean }): Promise<void> {
  await remove(ctx, await resolveEnvironment(ctx, refOf(target)), { confirmed: optionsOf(options).confirm === true });
}
