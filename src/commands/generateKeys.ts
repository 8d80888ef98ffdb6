import type { AuthConfiguration } from '../api';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { generateKeys as generate } from '../useCases/keys';
import type { CommandContext } from './commandContext';
import { showIssuedSecret } from './issuedSecret';
import * as l10n from '@vscode/l10n';

/** Generate Keys with the built-in identity provider: the secret goes to SecretStorage and is shown once. */
export async function generateKeys(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<AuthConfiguration> {
  const env = await resolveEnvironment(ctx, refOf(target));
  const issued = await generate(ctx, env);
  showIssuedSecret(env, issued, l10n.t('Keys generated'));
  return issued.authConfiguration;
}
