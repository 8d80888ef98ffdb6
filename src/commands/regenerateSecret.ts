import * as vscode from 'vscode';
import type { AuthConfiguration } from '../api';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { keepAndShowSecret } from './issuedSecret';
import { confirm } from './prompts';
import { refOf, targetEnvironment } from './targets';

/**
 * Regenerate Secret (asks first): a new secret for the same client ID; the old one stops working at once.
 * Arguments: an environment row, or `{ org, project, component, environment, confirm: true }`.
 */
export async function regenerateSecret(ctx: CommandContext, arg?: unknown): Promise<AuthConfiguration> {
  const target = await targetEnvironment(ctx, arg);
  if (target.auth?.identityProviderKind !== 'built-in') {
    throw new CommandError('not_configured', `${target.displayName} has no built-in keys in ${target.environmentName}. Use Generate Keys first.`);
  }
  await confirm(
    `Regenerate the secret of ${target.displayName} in ${target.environmentName}?`,
    'The current secret stops working at once: every app that uses it gets invalid_client until it has the new one, and the gateway refuses the tokens already issued with it. The client ID stays.',
    'Regenerate Secret',
    (refOf(arg) as { confirm?: unknown } | undefined)?.confirm,
  );
  const client = await ctx.client();
  const issued = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Regenerating the secret of ${target.displayName}…` },
    () => client.regenerateSecret(target.org, target.project, target.component, target.environment),
  );
  await keepAndShowSecret(ctx, target, issued, 'Secret regenerated');
  return issued.authConfiguration;
}
