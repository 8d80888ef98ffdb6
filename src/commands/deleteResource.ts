import { deleteResource as remove, type DeleteTarget } from '../useCases/deleteResource';
import { refOf, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

/** Delete an organization, project, component or connection (asks first, unless `{ confirm: true }`). */
export async function deleteResource(ctx: CommandContext, target?: Target<DeleteTarget>, options?: { confirm?: boolean }): Promise<void> {
  await remove(ctx, refOf(target), { confirmed: optionsOf(options).confirm === true });
}
