/** The connection and environment that Insert Connection Snippet and Write .env act on, with its config. */
import type { ConnectionConfig } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { field, pickOne } from './prompts';
import { refOf } from './targets';
import type { ConnectionRef } from '../tree/refs';

export interface ConnectionTarget {
  ref: ConnectionRef;
  environment: string;
  config: ConnectionConfig;
}

export async function targetConnection(ctx: CommandContext, arg: unknown): Promise<ConnectionTarget> {
  const ref = refOf(arg) as Partial<ConnectionRef> | undefined;
  if (!ref?.org || !ref.project || !ref.component || !ref.componentId || !ref.connection?.name) {
    throw new CommandError('no_target', 'Run this on a connection in the Choreo view (under an external consumer → Connections).');
  }
  const client = await ctx.client();
  let environment = field(ref, 'environment');
  if (!environment) {
    const environments = await client.listEnvironments(ref.org);
    environment =
      environments.length === 1
        ? environments[0]!.handle
        : (await pickOne(environments.map((e) => ({ label: e.name, description: e.handle, handle: e.handle })), { title: `Environment for ${ref.connection.name}` })).handle;
  }
  const config = await client.getConnectionConfig(ref.org, ref.project, ref.component, ref.connection.name, environment);
  return { ref: ref as ConnectionRef, environment, config };
}
