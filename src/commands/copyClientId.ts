import * as vscode from 'vscode';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { CommandError, type CommandContext } from './commandContext';

/** Copy Client ID of an environment's keys. */
export async function copyClientId(ctx: CommandContext, target?: Target<EnvironmentTarget>): Promise<string> {
  const env = await resolveEnvironment(ctx, refOf(target));
  if (!env.auth) throw new CommandError('not_configured', `${env.displayName} has no keys in ${env.environmentName} yet.`);
  await vscode.env.clipboard.writeText(env.auth.clientId);
  void vscode.window.setStatusBarMessage(`Copied the Client ID of ${env.displayName} (${env.environmentName})`, 3000);
  return env.auth.clientId;
}
