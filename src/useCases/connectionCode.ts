/**
 * What a connection yields in the workspace: Write Connection Config to .env (the CHOREO_* variables of one
 * environment, the consumer secret from SecretStorage only if the user agrees), Insert Connection Snippet (code
 * that reads those variables, gets a token and calls the service; no value inlined; the connection recorded in the
 * folder's `.choreo/component.yaml` when it has one) and Write config.js for a browser app (no secret).
 */
import type { Uri } from 'vscode';
import { keysHoldSecret } from '../api/connections';
import type { ComponentYamlResult } from '../snippets/componentYaml';
import { type ConnectionTarget, secretRefOf, type ConnectionInEnvironment } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import { requireTrust } from './trust';
import * as l10n from '@vscode/l10n';

export interface EnvWritten {
  written: string[];
  missing: string[];
  /** Why a variable is missing, in a sentence (empty when none is). */
  why: string;
}

export async function writeEnv(ctx: UseCaseContext, target: ConnectionInEnvironment, o: { folder: Uri; includeSecret?: boolean }): Promise<EnvWritten> {
  requireTrust(ctx, l10n.t('Writing .env'));
  const { connectionVariables } = await import('../snippets/index.js');
  const { writeEnvFile } = await import('../snippets/vscodeInsert.js');
  const { recordLink } = await import('../editor/workspaceLink.js');
  const { ref, environment } = target;
  const client = await ctx.client();
  const auth = (await client.listAuthConfigurations(ref.orgHandle, ref.projectHandle, ref.componentName)).find((a) => a.environment === environment);
  const secrets: { ConsumerSecret?: string } = {};
  let why = auth
    ? l10n.t`no secret for ${ref.displayName} in ${target.environmentName} is kept in this VS Code.`
    : l10n.t`${ref.displayName} has no keys in ${target.environmentName} yet.`;
  if (auth) {
    const external = auth.identityProviderKind === 'built-in' ? undefined : auth.identityProviderId;
    // A public client's keys name no secret: nothing to ask.
    const stored = keysHoldSecret(target.config)
      ? await ctx.vault.getConsumerSecret(secretRefOf(client.baseUrl, { ...ref, environment }, external))
      : undefined;
    if (stored) {
      const include =
        o.includeSecret ??
        (await ctx.ui.choose(
          l10n.t('Write the consumer secret into .env?'),
          l10n.t('It comes from SecretStorage. The .env file is added to .gitignore first.'),
          [l10n.t('Include Secret'), l10n.t('Without Secret')] as const,
        )) === l10n.t('Include Secret');
      if (include) secrets.ConsumerSecret = stored;
      else why = l10n.t('you chose to leave the secret out.');
    }
  }
  const { variables, missing } = connectionVariables(target.config, secrets);
  await writeEnvFile(o.folder, variables, l10n.t`Choreo connection ${ref.connection.name} (${environment})`);
  await recordLink(o.folder, client.baseUrl, ref);
  // Names only: values can be secrets.
  ctx.log.info(`Wrote ${variables.map((v) => v.name).join(', ')} to .env${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
  return { written: variables.map((v) => v.name), missing, why: missing.length ? why : '' };
}

export async function insertSnippet(
  ctx: UseCaseContext,
  target: ConnectionInEnvironment,
  o: { language?: string; preferred?: string; where?: 'cursor' | 'untitled' } = {},
): Promise<{ language: string; where: string; componentYaml?: ComponentYamlResult['connectionReference'] }> {
  requireTrust(ctx, l10n.t('Inserting a connection snippet'));
  const { offeredSnippets, snippetById, renderConnectionSnippet } = await import('../snippets/index.js');
  const { insertConnectionSnippet } = await import('../snippets/vscodeInsert.js');
  const offered = offeredSnippets(target.config, o.preferred ?? 'typescript');
  const language =
    offered.find((s) => s.id === o.language) ??
    (o.language && snippetById(o.language) ? refuseSignInSnippet(target, o.language) : undefined) ??
    (
      await ctx.ui.pick(
        offered.map((l) => ({ label: l.label, description: l.detail, language: l })),
        { title: l10n.t`Insert Connection Snippet: ${target.ref.connection.name}` },
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
  const componentYaml = folder ? await recordInComponentYaml(ctx, folder.uri, target.ref) : undefined;
  return { language: language.id, where, ...(componentYaml ? { componentYaml: componentYaml.connectionReference } : {}) };
}

/** A sign-in snippet asked for by name while the keys cannot sign anyone in: said, not inserted. */
function refuseSignInSnippet(target: ConnectionInEnvironment, id: string): never {
  throw new UseCaseError(
    'sign_in_not_allowed',
    l10n.t`The "${id}" snippet signs people in, and ${target.ref.displayName}'s keys in ${target.environmentName} cannot: allow Authorization Code in its key settings (built-in identity provider), or Add Keys of an external one. Nothing was inserted.`,
  );
}

/**
 * Records the connection in the folder's `.choreo/component.yaml` (`dependencies.connectionReferences`), as Choreo
 * reads it at deploy time, when the folder has one; a folder without one is left without. The file's comments and
 * layout stay; a file the writer cannot edit is said, and left as it was.
 */
async function recordInComponentYaml(ctx: UseCaseContext, folder: Uri, ref: ConnectionTarget): Promise<ComponentYamlResult | undefined> {
  const { Uri: Uris } = await import('vscode');
  const { COMPONENT_YAML_PATH } = await import('../snippets/componentYaml.js');
  const { writeComponentYaml } = await import('../snippets/vscodeInsert.js');
  const { SnippetError } = await import('../snippets/errors.js');
  if (!(await exists(Uris.joinPath(folder, ...COMPONENT_YAML_PATH.split('/'))))) return undefined;
  const { connection } = ref;
  const client = await ctx.client();
  const service = await client.getComponent(connection.serviceOrgHandle ?? ref.orgHandle, connection.serviceProjectHandle, connection.serviceComponentName);
  const endpoint = service.endpoints?.find((e) => e.name === connection.endpointName);
  if (!endpoint)
    throw new UseCaseError(
      'not_found',
      l10n.t`${service.displayName} has no endpoint "${connection.endpointName}" any more; ${connection.name} was not recorded in ${COMPONENT_YAML_PATH}.`,
    );
  try {
    const result = await writeComponentYaml(folder, {
      connectionName: connection.name,
      serviceProjectHandle: connection.serviceProjectHandle,
      serviceComponentName: connection.serviceComponentName,
      endpointName: connection.endpointName,
      visibility: endpoint.visibility,
    });
    ctx.log.info(`${COMPONENT_YAML_PATH}: connection ${connection.name} ${result.connectionReference}`);
    return result;
  } catch (e) {
    if (!(e instanceof SnippetError)) throw e;
    throw new UseCaseError(e.code, l10n.t`Inserted the snippet, but did not record ${connection.name} in ${COMPONENT_YAML_PATH}: ${e.message}`);
  }
}

/**
 * Write config.js for a browser app: the service URL, token URL and Client ID of one environment (and, when the keys
 * can sign people in, the issuer and the callback URL) as `window.configs`, replacing the folder's config.js; never the secret (a browser app's files are public).
 * Keys that sign people in also get index.html, the Browser App snippet's page, where the folder has none. Refused,
 * naming what is missing, while the consumer has no keys there.
 */
export async function writeBrowserConfig(
  ctx: UseCaseContext,
  target: ConnectionInEnvironment,
  o: { folder: Uri },
): Promise<{ file: Uri; page?: Uri; warning: string }> {
  requireTrust(ctx, l10n.t('Writing config.js'));
  const {
    browserConfigNames,
    browserConfigValues,
    connectionValue,
    renderBrowserConfig,
    BROWSER_APP_PAGE,
    BROWSER_APP_PAGE_FILE_NAME,
    CONFIG_JS_FILE_NAME,
    BROWSER_SECRET_WARNING,
  } = await import('../snippets/index.js');
  const { writeGeneratedFile } = await import('../snippets/vscodeInsert.js');
  const { Uri: Uris } = await import('vscode');
  const { ref, environment, environmentName } = target;
  // The callback URL a browser app returns to, from the keys' settings (the built-in provider's; asked only when the
  // keys can sign people in at all).
  const callbackUrls = connectionValue(target.config, 'IssuerURL')
    ? ((await (await ctx.client()).listAuthConfigurations(ref.orgHandle, ref.projectHandle, ref.componentName)).find((a) => a.environment === environment)
        ?.keySettings?.callbackUrls ?? [])
    : [];
  const { values, missing } = browserConfigValues(target.config, callbackUrls);
  if (!values) {
    throw new UseCaseError(
      'not_configured',
      l10n.t`${ref.connection.name} has no ${missing.join(', ')} in ${environmentName} yet: Generate Keys (or Add Keys) for ${ref.displayName} there first. Nothing was written.`,
    );
  }
  const file = Uris.joinPath(o.folder, CONFIG_JS_FILE_NAME);
  await writeGeneratedFile(file, renderBrowserConfig(values, ref.connection.name, environment));
  ctx.log.info(`Wrote ${CONFIG_JS_FILE_NAME} for connection ${ref.connection.name} (${environment}): ${browserConfigNames(values).join(', ')}`);
  // Keys that sign people in get the Browser App snippet's page too, unless the folder has a page of its own.
  const page = values.issuerUrl ? Uris.joinPath(o.folder, BROWSER_APP_PAGE_FILE_NAME) : undefined;
  if (page && !(await exists(page))) {
    await writeGeneratedFile(page, BROWSER_APP_PAGE);
    ctx.log.info(`Wrote ${BROWSER_APP_PAGE_FILE_NAME}, the Browser App snippet's page`);
    return { file, page, warning: BROWSER_SECRET_WARNING };
  }
  return { file, warning: BROWSER_SECRET_WARNING };
}

async function exists(uri: Uri): Promise<boolean> {
  const { workspace } = await import('vscode');
  return workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}
