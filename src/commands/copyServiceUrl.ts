import * as vscode from 'vscode';
import { type ConnectionTarget, type EndpointTarget, refOf, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Service URL: the gateway URL of an endpoint (or of a connection's endpoint) in one environment. */
export async function copyServiceUrl(ctx: CommandContext, target?: Target<(EndpointTarget | ConnectionTarget) & { environment: string }>): Promise<string> {
  const ref = refOf<Partial<EndpointTarget & ConnectionTarget> & { environment: string }>(target);
  if (!ref.orgHandle || !ref.projectHandle || !ref.componentName) {
    throw new CommandError('no_target', vscode.l10n.t('Run Copy Service URL on an endpoint or a connection in the Choreo view.'));
  }
  const client = await ctx.client();
  const environments = await client.listEnvironments(ref.orgHandle);
  const environment =
    ref.environment ??
    (environments.length === 1
      ? environments[0]!.handle
      : (
          await ctx.ui.pick(
            environments.map((e) => ({ label: e.name, handle: e.handle })),
            { title: vscode.l10n.t('Environment') },
          )
        ).handle);
  let url: string | undefined;
  if (ref.endpoint) {
    url = ref.endpoint.gatewayUrls[environment];
  } else if (ref.connection) {
    const config = await client.getConnectionConfig(ref.orgHandle, ref.projectHandle, ref.componentName, ref.connection.name, environment);
    url = config.entries.find((e) => e.key === 'ServiceURL')?.value;
  }
  if (!url) throw new CommandError('not_found', vscode.l10n.t('No service URL in {0}.', environment));
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the service URL ({0})', environment), 3000);
  return url;
}
