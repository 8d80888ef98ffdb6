import type { AuthConfiguration } from '../api';
import { AddExternalKeys } from '../api';
import type { EnvironmentRef } from '../tree/refs';
import { addKeys as add, externalProvidersFor, type ExternalKeys } from '../useCases/keys';
import { CommandError, optionsOf, type CommandContext } from './commandContext';
import { refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { quickInput, validateWith } from './prompts';

/**
 * Add Keys with an external identity provider: pick the provider, paste the Client ID of the app made there (its
 * access tokens must be JWTs). No secret is given to the control plane.
 */
export async function addKeys(ctx: CommandContext, target?: Target<EnvironmentRef>, input?: Partial<ExternalKeys>): Promise<AuthConfiguration> {
  const env = await resolveEnvironment(ctx, refOf(target));
  const given = optionsOf(input);
  let identityProviderId = given.identityProviderId;
  if (!identityProviderId) {
    const providers = await externalProvidersFor(ctx, env);
    if (!providers.length) {
      throw new CommandError('no_identity_provider', `Organization ${env.org} has no external identity provider for ${env.environmentName}. Run "Add Identity Provider" first.`);
    }
    identityProviderId = (await quickInput.pick(providers.map((p) => ({ label: p.name, description: p.issuer, id: p.id })), { title: `Add Keys: identity provider for ${env.environmentName}` })).id;
  }
  const clientId =
    given.clientId ??
    (await quickInput.ask({
      title: 'Add Keys',
      prompt: 'Client ID of the app you created in the identity provider (access token type: JWT)',
      validate: validateWith(AddExternalKeys.shape.clientId),
    }));
  return add(ctx, env, { identityProviderId, clientId });
}
