import type { AuthConfiguration } from '../api';
import type { EnvironmentRef } from '../tree/refs';
import { addKeys as add, type ExternalKeys } from '../useCases/keys';
import { optionsOf, type CommandContext } from './commandContext';
import { refOf, resolveEnvironment, type Target } from '../useCases/targets';

/**
 * Add Keys with an external identity provider: pick the provider, paste the Client ID of the app made there (its
 * access tokens must be JWTs). No secret is given to the control plane.
 */
export async function addKeys(ctx: CommandContext, target?: Target<EnvironmentRef>, input?: Partial<ExternalKeys>): Promise<AuthConfiguration> {
  return add(ctx, await resolveEnvironment(ctx, refOf(target)), optionsOf(input));
}
