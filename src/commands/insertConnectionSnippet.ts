import * as vscode from 'vscode';
import { type ConnectionTarget, refOf, resolveConnection, type Target } from '../useCases/targets';
import { insertSnippet } from '../useCases/connectionCode';
import { requireTrust } from '../useCases/trust';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Insert Connection Snippet at the cursor (or in a new document). From a connection row it asks only the
 * environment and language; from the palette it asks the consumer and connection first. A folder with a
 * `.choreo/component.yaml` gets the connection recorded there.
 */
export async function insertConnectionSnippet(
  ctx: CommandContext,
  target?: Target<ConnectionTarget & { environment: string }>,
  options?: { language?: string; where?: 'cursor' | 'untitled' },
): Promise<{ language: string; where: string; componentYaml?: string }> {
  // Before any question: in Restricted Mode the answer would be refused anyway.
  requireTrust(ctx, vscode.l10n.t('Inserting a connection snippet'));
  const connection = await resolveConnection(ctx, refOf(target));
  const o = optionsOf(options);
  const preferred = vscode.workspace.getConfiguration('choreo.snippets').get<string>('defaultLanguage');
  return insertSnippet(ctx, connection, { language: o.language, where: o.where, preferred });
}
