import * as vscode from 'vscode';
import type { AuthConfiguration } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { askText, field, pickOne } from './prompts';
import { componentNodeId, refOf, targetEnvironment } from './targets';
import { validateWith } from './validation';

/**
 * Add Keys with an external identity provider: pick the provider, paste the Client ID of the app made there (its
 * access tokens must be JWTs). No secret is given to the control plane.
 * Arguments: an environment row, or `{ org, project, component, environment, identityProviderId, clientId }`.
 */
export async function addKeys(ctx: CommandContext, arg?: unknown): Promise<AuthConfiguration> {
  const target = await targetEnvironment(ctx, arg);
  const given = refOf(arg);
  const client = await ctx.client();
  let identityProviderId = field(given, 'identityProviderId');
  if (!identityProviderId) {
    const providers = (await client.listIdentityProviders(target.org)).filter(
      (p) => p.kind === 'external' && (p.environments === 'all' || p.environments.includes(target.environment)),
    );
    if (!providers.length) {
      throw new CommandError('no_identity_provider', `Organization ${target.org} has no external identity provider for ${target.environmentName}. Run "Add Identity Provider" first.`);
    }
    identityProviderId = (
      await pickOne(
        providers.map((p) => ({ label: p.name, description: p.issuer, id: p.id })),
        { title: `Add Keys: identity provider for ${target.environmentName}` },
      )
    ).id;
  }
  const { AddExternalKeys } = await import('../api/auth.js');
  const clientId =
    field(given, 'clientId') ??
    (await askText({
      title: 'Add Keys',
      prompt: 'Client ID of the app you created in the identity provider (access token type: JWT)',
      validateInput: validateWith(AddExternalKeys.shape.clientId),
    }));
  const auth = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Adding keys to ${target.displayName} in ${target.environmentName}…` },
    () => client.addExternalKeys(target.org, target.project, target.component, target.environment, { identityProviderId: identityProviderId!, clientId }),
  );
  ctx.log.info(`Added keys of ${auth.identityProviderName} for ${target.org}/${target.project}/${target.component} in ${target.environment}`);
  ctx.tree.refreshById(componentNodeId(target));
  return auth;
}
