import * as vscode from 'vscode';
import type { ConnectionRef, EndpointRef } from '../tree/refs';
import { refOf, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Service URL: the gateway URL of an endpoint (or of a connection's endpoint) in one environment. */
export async function copyServiceUrl(ctx: CommandContext, target?: Target<(EndpointRef | ConnectionRef) & { environment: string }>): Promise<string> {
  const ref = refOf<Partial<EndpointRef & ConnectionRef> & { environment: string }>(target);
  if (!ref.org || !ref.project || !ref.component) {
    throw new CommandError('no_target', vscode.l10n.t('Run Copy Service URL on an endpoint or a connection in the Choreo view.'));
  }
  const client = await ctx.client();
  const environments = await client.listEnvironments(ref.org);
  const environment =
    ref.environment ??
    (environments.length === 1 ? environments[0]!.handle : (await ctx.ui.pick(environments.map((e) => ({ label: e.name, handle: e.handle })), { title: vscode.l10n.t('Environment') })).handle);
  let url: string | undefined;
  if (ref.endpoint) {
    url = ref.endpoint.gatewayUrls[environment];
  } else if (ref.connection) {
    const config = await client.getConnectionConfig(ref.org, ref.project, ref.component, ref.connection.name, environment);
    url = config.entries.find((e) => e.key === 'ServiceURL')?.value;
  }
  if (!url) throw new CommandError('not_found', vscode.l10n.t('No service URL in {0}.', environment));
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the service URL ({0})', environment), 3000);
  return url;
}
