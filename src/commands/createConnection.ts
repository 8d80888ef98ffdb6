import type { Connection } from '../api';
import { type ComponentTarget, refOf, resolveComponent, type Target } from '../useCases/targets';
import { createConnection as create, type NewConnection } from '../useCases/createConnection';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Create Connection from an external consumer: the form (a searchable service picker, endpoint, name, then Insert
 * Snippet). With the connection's fields given (tests), it is created at once; with only a name (the editor's quick
 * fix, which names it after the variable the code reads), the form opens with that name.
 */
export async function createConnection(ctx: CommandContext, target?: Target<ComponentTarget>, input?: NewConnection): Promise<Connection | undefined> {
  const consumer = await resolveComponent(ctx, refOf(target), 'external-consumer');
  const given = optionsOf(input);
  if (!given.serviceComponentName || !given.endpointName || !given.name) {
    await ctx.forms.openCreateConnection(consumer, given.name ? { name: given.name } : undefined);
    return undefined;
  }
  return create(ctx, consumer, {
    name: given.name,
    serviceComponentName: given.serviceComponentName,
    endpointName: given.endpointName,
    serviceProjectHandle: given.serviceProjectHandle,
  });
}
