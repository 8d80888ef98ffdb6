import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { targetConnection } from './connectionTarget';

/**
 * Write Connection Config to .env: the connection's CHOREO_* variables for one environment into the workspace's
 * .env (made git-ignored first). The consumer secret comes from SecretStorage and is written only if the user
 * agrees (or `includeSecret: true` is passed).
 * Arguments: a connection row, or `{ org, project, component, componentId, connection: { name }, environment, includeSecret?, folder? }`.
 */
export async function writeEnv(ctx: CommandContext, arg?: unknown): Promise<{ written: string[]; missing: string[]; file: string }> {
  const { connectionVariables } = await import('../snippets/index.js');
  const { writeEnvFile } = await import('../snippets/vscodeInsert.js');
  const target = await targetConnection(ctx, arg);
  const given = (arg && typeof arg === 'object' ? arg : {}) as { includeSecret?: unknown; folder?: unknown };
  const folder =
    typeof given.folder === 'string' ? vscode.Uri.file(given.folder) : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new CommandError('no_workspace', 'Open a folder first: the .env file goes into the workspace.');

  const secrets: { ConsumerSecret?: string } = {};
  const { ref } = target;
  const client = await ctx.client();
  const auth = (await client.listAuthConfigurations(ref.org, ref.project, ref.component)).find((a) => a.environment === target.environment);
  if (auth) {
    const stored = await ctx.vault.getConsumerSecret({
      controlPlane: ctx.connection.baseUrl,
      org: ref.org,
      project: ref.project,
      componentId: ref.componentId,
      environment: target.environment,
      identityProvider: auth.identityProviderKind === 'built-in' ? undefined : auth.identityProviderId,
    });
    if (stored) {
      const include =
        given.includeSecret === true ||
        (given.includeSecret === undefined &&
          (await vscode.window.showWarningMessage(
            'Write the consumer secret into .env?',
            { modal: true, detail: 'It comes from SecretStorage. The .env file is added to .gitignore first.' },
            'Include Secret',
            'Without Secret',
          )) === 'Include Secret');
      if (include) secrets.ConsumerSecret = stored;
    }
  }
  const { variables, missing } = connectionVariables(target.config, secrets);
  await writeEnvFile(folder, variables, `Choreo connection ${ref.connection.name} (${target.environment})`);
  // Names only: values can be secrets.
  ctx.log.info(`Wrote ${variables.map((v) => v.name).join(', ')} to .env${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
  if (missing.length) {
    void vscode.window.showWarningMessage(`Wrote .env without ${missing.join(', ')}: ${auth ? 'no secret for it is kept in this VS Code.' : 'the consumer has no keys in this environment yet.'}`);
  }
  return { written: variables.map((v) => v.name), missing, file: vscode.Uri.joinPath(folder, '.env').fsPath };
}
