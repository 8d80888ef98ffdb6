/**
 * After Generate Keys / Regenerate Secret from the tree or the palette: the secret is in SecretStorage already (the
 * use case put it there); this shows it once. The notification text itself does not carry the secret
 * (notifications can end up in workbench logs); Copy and Show act on it.
 */
import * as vscode from 'vscode';
import type { IssuedKeys } from '../api';
import type { EnvironmentTarget } from '../useCases/targets';

export function showIssuedSecret(env: EnvironmentTarget, issued: IssuedKeys, verb: string): void {
  const secret = issued.clientSecret;
  const clientId = issued.authConfiguration.clientId;
  void vscode.window
    .showInformationMessage(
      `${verb} for ${env.displayName} in ${env.environmentName}. Client ID: ${clientId}. ` +
        'The consumer secret is shown only now; it is kept in SecretStorage in this VS Code (nowhere else).',
      'Copy Secret',
      'Show Secret',
      'Copy Client ID',
    )
    .then(async (choice) => {
      if (choice === 'Copy Secret') await vscode.env.clipboard.writeText(secret);
      else if (choice === 'Copy Client ID') await vscode.env.clipboard.writeText(clientId);
      else if (choice === 'Show Secret') {
        await vscode.window.showInputBox({
          title: `Consumer secret of ${env.displayName} in ${env.environmentName}`,
          prompt: 'Kept in SecretStorage. Copy it now if your app needs it outside VS Code.',
          value: secret,
          ignoreFocusOut: true,
        });
      }
    });
}
