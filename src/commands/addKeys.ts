import type { AuthConfiguration } from '../api';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { addKeys as add, type ExternalKeys } from '../useCases/keys';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Add Keys with an external identity provider: pick the provider, paste the Client ID of the app made there (its
 * access tokens must be JWTs). No secret is given to the control plane.
 */
export async function addKeys(ctx: CommandContext, target?: Target<EnvironmentTarget>, input?: Partial<ExternalKeys>): Promise<AuthConfiguration> {
  return add(ctx, await resolveEnvironment(ctx, refOf(target)), optionsOf(input));
}
