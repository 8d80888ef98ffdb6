import { CreateConnection, type Connection } from '../api';
import { ComponentRef, refIn } from '../api/refs';
import type { ComponentTarget } from './targets';
import type { UseCaseContext } from './context';
import { parseInput } from './validate';
import * as l10n from '@vscode/l10n';

export interface NewConnection {
  name: string;
  /** The service's project; the consumer's own when absent. */
  serviceProjectHandle?: string;
  serviceComponentName: string;
  endpointName: string;
}

/** Create Connection from an external consumer to a service endpoint: its tokens then pass the gateway there. */
export async function createConnection(ctx: UseCaseContext, consumer: ComponentTarget, input: NewConnection): Promise<Connection> {
  const body = parseInput(CreateConnection, {
    name: input.name,
    serviceComponentName: input.serviceComponentName,
    endpointName: input.endpointName,
    ...(input.serviceProjectHandle ? { serviceProjectHandle: input.serviceProjectHandle } : {}),
  });
  const client = await ctx.client();
  const connection = await ctx.ui.progress(l10n.t`Creating connection ${body.name}…`, () =>
    client.createConnection(consumer.orgHandle, consumer.projectHandle, consumer.componentName, body),
  );
  ctx.log.info(`Created connection ${connection.name} from ${consumer.componentName} to ${body.serviceComponentName}/${body.endpointName}`);
  ctx.changed({ ...refIn(ComponentRef, consumer), connections: true });
  return connection;
}
