import type { AuthConfiguration } from '../api';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { regenerateSecret as regenerate } from '../useCases/keys';
import { optionsOf, type CommandContext } from './commandContext';
import { showIssuedSecret } from './issuedSecret';
import * as l10n from '@vscode/l10n';

/** Regenerate Secret (asks first, unless `{ confirm: true }`): a new secret for the same client ID; the old one stops working at once. */
export async function regenerateSecret(ctx: CommandContext, target?: Target<EnvironmentTarget>, options?: { confirm?: boolean }): Promise<AuthConfiguration> {
  const env = await resolveEnvironment(ctx, refOf(target));
  const issued = await regenerate(ctx, env, { confirmed: optionsOf(options).confirm === true });
  showIssuedSecret(env, issued, l10n.t('Secret regenerated'));
  return issued.authConfiguration;
}
