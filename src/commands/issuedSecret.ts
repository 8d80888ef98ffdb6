/**
 * After Generate Keys / Regenerate Secret: store the secret in the vault, then show it once. The notification text
 * itself does not carry the secret (notifications can end up in workbench logs); Copy and Show act on it.
 */
import * as vscode from 'vscode';
import type { IssuedKeys } from '../api';
import type { CommandContext } from './commandContext';
import type { EnvironmentRef } from '../tree/refs';
import { componentNodeId } from './targets';

export async function keepAndShowSecret(ctx: CommandContext, target: EnvironmentRef, issued: IssuedKeys, verb: string): Promise<void> {
  await ctx.vault.storeConsumerSecret(
    { controlPlane: ctx.connection.baseUrl, org: target.org, project: target.project, componentId: target.componentId, environment: target.environment },
    issued.clientSecret,
  );
  ctx.log.info(`${verb} for ${target.org}/${target.project}/${target.component} in ${target.environment}; client ID ${issued.authConfiguration.clientId}`);
  ctx.tree.refreshById(componentNodeId(target));
  const secret = issued.clientSecret;
  void vscode.window
    .showInformationMessage(
      `${verb} for ${target.displayName} in ${target.environmentName}. Client ID: ${issued.authConfiguration.clientId}. ` +
        'The consumer secret is shown only now; it is kept in SecretStorage in this VS Code (nowhere else).',
      'Copy Secret',
      'Show Secret',
      'Copy Client ID',
    )
    .then(async (choice) => {
      if (choice === 'Copy Secret') await vscode.env.clipboard.writeText(secret);
      else if (choice === 'Copy Client ID') await vscode.env.clipboard.writeText(issued.authConfiguration.clientId);
      else if (choice === 'Show Secret') {
        await vscode.window.showInputBox({
          title: `Consumer secret of ${target.displayName} in ${target.environmentName}`,
          prompt: 'Kept in SecretStorage. Copy it now if your app needs it outside VS Code.',
          value: secret,
          ignoreFocusOut: true,
        });
      }
    });
}
