import * as vscode from 'vscode';
import type { Connection } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { askText, field, pickOne } from './prompts';
import { refOf, targetComponent } from './targets';
import { validateWith } from './validation';

/**
 * Create Connection from an external consumer to a service endpoint of its project.
 * Arguments: `{ org, project, component, name, serviceComponentName, endpointName, serviceProjectHandle? }`.
 */
export async function createConnection(ctx: CommandContext, arg?: unknown): Promise<Connection | undefined> {
  const consumer = await targetComponent(ctx, arg, 'external-consumer');
  const given = refOf(arg);
  // Without a service given, the form asks for it (searchable, with Insert Snippet after).
  if (ctx.forms && !field(given, 'serviceComponentName')) {
    await ctx.forms.openCreateConnection(consumer);
    return undefined;
  }
  const client = await ctx.client();
  let serviceComponentName = field(given, 'serviceComponentName');
  let endpointName = field(given, 'endpointName');
  const serviceProjectHandle = field(given, 'serviceProjectHandle');
  if (!serviceComponentName || !endpointName) {
    const { items } = await client.listComponents(consumer.org, consumer.project, { limit: 500, type: 'service' });
    const choices = items.flatMap((s) =>
      (s.endpoints ?? []).map((e) => ({ label: `${s.displayName} / ${e.name}`, description: e.visibility, service: s.name, endpoint: e.name })),
    );
    if (!choices.length) throw new CommandError('no_service', `Project ${consumer.project} has no service endpoint to connect to yet.`);
    const picked = await pickOne(choices, { title: `Create Connection from ${consumer.displayName}`, placeHolder: 'Service endpoint' });
    serviceComponentName = picked.service;
    endpointName = picked.endpoint;
  }
  const { CreateConnection } = await import('../api/connections.js');
  const name =
    field(given, 'name') ??
    (await askText({ title: 'Create Connection', prompt: 'Connection name', value: `${serviceComponentName} ${endpointName}`.replace(/[^A-Za-z0-9 _-]/g, ' '), validateInput: validateWith(CreateConnection.shape.name) }));
  const connection = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating connection ${name}…` },
    () =>
      client.createConnection(consumer.org, consumer.project, consumer.component, {
        name,
        serviceComponentName: serviceComponentName!,
        endpointName: endpointName!,
        ...(serviceProjectHandle ? { serviceProjectHandle } : {}),
      }),
  );
  ctx.log.info(`Created connection ${connection.name} from ${consumer.component} to ${serviceComponentName}/${endpointName}`);
  ctx.tree.refreshById(`connections:${consumer.org}/${consumer.project}/${consumer.component}`);
  return connection;
}
