import * as vscode from 'vscode';
import type { AuthConfiguration } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { keepAndShowSecret } from './issuedSecret';
import { targetEnvironment } from './targets';

/**
 * Generate Keys: the built-in identity provider makes an OAuth client for this environment. The secret goes to
 * SecretStorage and is shown once; the answer here carries only the authentication configuration.
 * Arguments: an environment row, or `{ org, project, component, environment }`.
 */
export async function generateKeys(ctx: CommandContext, arg?: unknown): Promise<AuthConfiguration> {
  const target = await targetEnvironment(ctx, arg);
  if (target.auth?.identityProviderKind === 'built-in') {
    throw new CommandError('conflict', `${target.displayName} already has keys in ${target.environmentName}. Use Regenerate Secret for a new secret.`);
  }
  const client = await ctx.client();
  const issued = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Generating keys for ${target.displayName} in ${target.environmentName}…` },
    () => client.generateKeys(target.org, target.project, target.component, target.environment),
  );
  await keepAndShowSecret(ctx, target, issued, 'Keys generated');
  return issued.authConfiguration;
}
