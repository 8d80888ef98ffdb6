import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { targetEnvironment } from './targets';

/** Copy Client ID of an environment's keys. */
export async function copyClientId(ctx: CommandContext, arg?: unknown): Promise<string> {
  const target = await targetEnvironment(ctx, arg);
  if (!target.auth) throw new CommandError('not_configured', `${target.displayName} has no keys in ${target.environmentName} yet.`);
  await vscode.env.clipboard.writeText(target.auth.clientId);
  void vscode.window.setStatusBarMessage(`Copied the Client ID of ${target.displayName} (${target.environmentName})`, 3000);
  return target.auth.clientId;
}
