import type { AuthConfiguration } from '../api';
import type { EnvironmentRef } from '../tree/refs';
import { generateKeys as generate } from '../useCases/keys';
import { refOf, resolveEnvironment, type Target } from '../useCases/targets';
import type { CommandContext } from './commandContext';
import { showIssuedSecret } from './issuedSecret';
import * as l10n from '@vscode/l10n';

/** Generate Keys with the built-in identity provider: the secret goes to SecretStorage and is shown once. */
export async function generateKeys(ctx: CommandContext, target?: Target<EnvironmentRef>): Promise<AuthConfiguration> {
  const env = await resolveEnvironment(ctx, refOf(target));
  const issued = await generate(ctx, env);
  showIssuedSecret(env, issued, l10n.t('Keys generated'));
  return issued.authConfiguration;
}
