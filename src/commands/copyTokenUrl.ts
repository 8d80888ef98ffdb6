import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { targetEnvironment } from './targets';

/** Copy Token URL of the identity provider an environment's keys belong to. */
export async function copyTokenUrl(ctx: CommandContext, arg?: unknown): Promise<string> {
  const target = await targetEnvironment(ctx, arg);
  if (!target.auth) throw new CommandError('not_configured', `${target.displayName} has no keys in ${target.environmentName} yet.`);
  await vscode.env.clipboard.writeText(target.auth.tokenUrl);
  void vscode.window.setStatusBarMessage(`Copied the Token URL for ${target.environmentName}`, 3000);
  return target.auth.tokenUrl;
}
