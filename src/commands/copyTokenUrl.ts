import * as vscode from 'vscode';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Token URL of the identity provider an environment's keys belong to. */
export async function copyTokenUrl(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<string> {
  const env = await resolveEnvironment(ctx, refOf(target));
  if (!env.auth) throw new CommandError('not_configured', `${env.displayName} has no keys in ${env.environmentName} yet.`);
  await vscode.env.clipboard.writeText(env.auth.tokenUrl);
  void vscode.window.setStatusBarMessage(`Copied the Token URL for ${env.environmentName}`, 3000);
  return env.auth.tokenUrl;
}
