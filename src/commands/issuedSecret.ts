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
  // The buttons, by the text VS Code answers with.
  const [COPY_SECRET, SHOW_SECRET, COPY_CLIENT_ID] = [vscode.l10n.t('Copy Secret'), vscode.l10n.t('Show Secret'), vscode.l10n.t('Copy Client ID')];
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('{0} for {1} in {2}. Client ID: {3}. ', verb, env.displayName, env.environmentName, clientId) +
        vscode.l10n.t('The consumer secret is shown only now; it is kept in SecretStorage in this VS Code (nowhere else).'),
      COPY_SECRET,
      SHOW_SECRET,
      COPY_CLIENT_ID,
    )
    .then(async (choice) => {
      if (choice === COPY_SECRET) await vscode.env.clipboard.writeText(secret);
      else if (choice === COPY_CLIENT_ID) await vscode.env.clipboard.writeText(clientId);
      else if (choice === SHOW_SECRET) {
        await vscode.window.showInputBox({
          title: vscode.l10n.t('Consumer secret of {0} in {1}', env.displayName, env.environmentName),
          prompt: vscode.l10n.t('Kept in SecretStorage. Copy it now if your app needs it outside VS Code.'),
          value: secret,
          ignoreFocusOut: true,
        });
      }
    });
}
