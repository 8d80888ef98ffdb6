import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { field, pickOne } from './prompts';
import { targetConnection } from './connectionTarget';

/**
 * Insert Connection Snippet: code in the chosen language that reads the connection's CHOREO_* variables, gets a
 * token and calls the service; inserted at the cursor (or in a new document). No value is inlined in the code.
 * Arguments: a connection row, or `{ org, project, component, componentId, connection: { name }, environment, language?, where? }`.
 */
export async function insertConnectionSnippet(ctx: CommandContext, arg?: unknown): Promise<{ language: string; where: string }> {
  const { SNIPPET_LANGUAGES, snippetLanguage, renderConnectionSnippet } = await import('../snippets/index.js');
  const { insertConnectionSnippet: insert } = await import('../snippets/vscodeInsert.js');
  const target = await targetConnection(ctx, arg);
  const preferred = vscode.workspace.getConfiguration('choreo.snippets').get<string>('defaultLanguage') ?? 'typescript';
  const language =
    snippetLanguage(field(arg, 'language') ?? '') ??
    (
      await pickOne(
        [...SNIPPET_LANGUAGES].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred)).map((l) => ({ label: l.label, description: l.detail, language: l })),
        { title: `Insert Connection Snippet: ${target.ref.connection.name}` },
      )
    ).language;
  const snippet = renderConnectionSnippet(language, target.config);
  const where = await insert(snippet, language.languageId, field(arg, 'where') === 'untitled' ? 'untitled' : 'cursor');
  ctx.log.info(`Inserted the ${language.label} snippet of connection ${target.ref.connection.name} (${target.environment})`);
  return { language: language.id, where };
}
