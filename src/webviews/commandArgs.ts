/**
 * The arguments the extension's commands take from a form, shaped as the tree's refs (src/tree/refs.ts), so a command
 * run from a form needs no prompt.
 */
import type { Component } from '../api/components';
import type { Connection } from '../api/connections';
import type { FormsClient } from './services';
import type { ComponentRef } from './ipc';

export function componentArg(c: Component) {
  return { org: c.orgHandle, project: c.projectHandle, component: c.name, componentId: c.id, type: c.type, displayName: c.displayName };
}

/** Insert Connection Snippet for one connection of a consumer: the command's argument with the connection itself. */
export async function connectionArg(client: FormsClient, ref: ComponentRef, connectionName: string) {
  const { orgHandle, projectHandle, componentName } = ref;
  const [component, connections] = await Promise.all([
    client.getComponent(orgHandle, projectHandle, componentName),
    client.listConnections(orgHandle, projectHandle, componentName),
  ]);
  const connection: Connection | undefined = connections.find((c) => c.name === connectionName);
  if (!connection) throw Object.assign(new Error(`${componentName} has no connection named "${connectionName}" any more.`), { code: 'not_found' });
  return { ...componentArg(component), connection };
}
