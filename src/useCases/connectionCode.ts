/**
 * What a connection yields in the workspace: Write Connection Config to .env (the CHOREO_* variables of one
 * environment, the consumer secret from SecretStorage only if the user agrees) and Insert Connection Snippet (code
 * that reads those variables, gets a token and calls the service; no value inlined).
 */
import type { Uri } from 'vscode';
import type { UseCaseContext } from './context';
import { secretRefOf, type ConnectionTarget } from './targets';
import { requireTrust } from './trust';

export interface EnvWritten {
  written: string[];
  missing: string[];
  /** Why a variable is missing, in a sentence (empty when none is). */
  why: string;
}

export async function writeEnv(ctx: UseCaseContext, target: ConnectionTarget, o: { folder: Uri; includeSecret?: boolean }): Promise<EnvWritten> {
  requireTrust(ctx, 'Writing .env');
  const { connectionVariables } = await import('../snippets/index.js');
  const { writeEnvFile } = await import('../snippets/vscodeInsert.js');
  const { recordLink } = await import('../editor/workspaceLink.js');
  const { ref, environment } = target;
  const client = await ctx.client();
  const auth = (await client.listAuthConfigurations(ref.org, ref.project, ref.component)).find((a) => a.environment === environment);
  const secrets: { ConsumerSecret?: string } = {};
  let why = auth ? `no secret for ${ref.displayName} in ${target.environmentName} is kept in this VS Code.` : `${ref.displayName} has no keys in ${target.environmentName} yet.`;
  if (auth) {
    const external = auth.identityProviderKind === 'built-in' ? undefined : auth.identityProviderId;
    const stored = await ctx.vault.getConsumerSecret(secretRefOf(client.baseUrl, { ...ref, environment }, external));
    if (stored) {
      const include =
        o.includeSecret ??
        (await ctx.ui.choose('Write the consumer secret into .env?', 'It comes from SecretStorage. The .env file is added to .gitignore first.', ['Include Secret', 'Without Secret'] as const)) ===
          'Include Secret';
      if (include) secrets.ConsumerSecret = stored;
      else why = 'you chose to leave the secret out.';
    }
  }
  const { variables, missing } = connectionVariables(target.config, secrets);
  await writeEnvFile(o.folder, variables, `Choreo connection ${ref.connection.name} (${environment})`);
  await recordLink(o.folder, client.baseUrl, ref);
  // Names only: values can be secrets.
  ctx.log.info(`Wrote ${variables.map((v) => v.name).join(', ')} to .env${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
  return { written: variables.map((v) => v.name), missing, why: missing.length ? why : '' };
}

export async function insertSnippet(
  ctx: UseCaseContext,
  target: ConnectionTarget,
  o: { language?: string; preferred?: string; where?: 'cursor' | 'untitled' } = {},
): Promise<{ language: string; where: string }> {
  requireTrust(ctx, 'Inserting a connection snippet');
  const { SNIPPET_LANGUAGES, snippetLanguage, renderConnectionSnippet } = await import('../snippets/index.js');
  const { insertConnectionSnippet } = await import('../snippets/vscodeInsert.js');
  const preferred = o.preferred ?? 'typescript';
  const language =
    snippetLanguage(o.language ?? '') ??
    (
      await ctx.ui.pick(
        [...SNIPPET_LANGUAGES].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred)).map((l) => ({ label: l.label, description: l.detail, language: l })),
        { title: `Insert Connection Snippet: ${target.ref.connection.name}` },
      )
    ).language;
  const where = await insertConnectionSnippet(renderConnectionSnippet(language, target.config), language.languageId, o.where ?? 'cursor');
  // The folder the code went into (an untitled document: the only folder) now knows its consumer.
  const { window, workspace } = await import('vscode');
  const { recordLink } = await import('../editor/workspaceLink.js');
  const active = window.activeTextEditor?.document.uri;
  const folder = (active && workspace.getWorkspaceFolder(active)) ?? (workspace.workspaceFolders?.length === 1 ? workspace.workspaceFolders[0] : undefined);
  if (folder) await recordLink(folder.uri, (await ctx.client()).baseUrl, target.ref);
  ctx.log.info(`Inserted the ${language.label} snippet of connection ${target.ref.connection.name} (${target.environment})`);
  return { language: language.id, where };
}
