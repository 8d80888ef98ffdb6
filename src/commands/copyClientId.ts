import * as vscode from 'vscode';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Client ID of an environment's keys. */
export async function copyClientId(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<string> {
  const env = await resolveEnvironment(ctx, refOf(target));
  if (!env.auth) throw new CommandError('not_configured', vscode.l10n.t('{0} has no keys in {1} yet.', env.displayName, env.environmentName));
  await vscode.env.clipboard.writeText(env.auth.clientId);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the Client ID of {0} ({1})', env.displayName, env.environmentName), 3000);
  return env.auth.clientId;
}
