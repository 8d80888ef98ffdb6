import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { field, pickOne } from './prompts';
import { refOf } from './targets';
import type { ConnectionRef, EndpointRef } from '../tree/refs';

/**
 * Copy Service URL: the gateway URL of an endpoint (or of a connection's endpoint) in one environment.
 * Arguments: an endpoint or connection row, or `{ org, project, component, connection: { name }, environment }`.
 */
export async function copyServiceUrl(ctx: CommandContext, arg?: unknown): Promise<string> {
  const ref = refOf(arg) as Partial<EndpointRef & ConnectionRef> | undefined;
  const client = await ctx.client();
  if (!ref?.org || !ref.project || !ref.component) {
    throw new CommandError('no_target', 'Run Copy Service URL on an endpoint or a connection in the Choreo view.');
  }
  const environments = await client.listEnvironments(ref.org);
  const environment =
    field(ref, 'environment') ??
    (environments.length === 1
      ? environments[0]!.handle
      : (await pickOne(environments.map((e) => ({ label: e.name, handle: e.handle })), { title: 'Environment' })).handle);
  let url: string | undefined;
  if (ref.endpoint) {
    url = ref.endpoint.gatewayUrls[environment];
  } else if (ref.connection) {
    const config = await client.getConnectionConfig(ref.org, ref.project, ref.component, ref.connection.name, environment);
    url = config.entries.find((e) => e.key === 'ServiceURL')?.value;
  }
  if (!url) throw new CommandError('not_found', `No service URL in ${environment}.`);
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`Copied the service URL (${environment})`, 3000);
  return url;
}
