import * as vscode from 'vscode';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Token URL of the identity provider an environment's keys belong to. */
export async function copyTokenUrl(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<string> {
  const env = await resolveEnvironment(ctx, refOf(target));
  if (!env.auth) throw new CommandError('not_configured', vscode.l10n.t('{0} has no keys in {1} yet.', env.displayName, env.environmentName));
  await vscode.env.clipboard.writeText(env.auth.tokenUrl);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the Token URL for {0}', env.environmentName), 3000);
  return env.auth.tokenUrl;
}
