// What the extension's commands call to produce connection code and workspace config. Everything exported here
// is pure (plain data in, text and reports out); vscodeInsert.ts holds the VS Code side.
export { SnippetError, type SnippetErrorCode } from './errors';
export {
  SIGN_IN_SNIPPETS,
  SNIPPET_LANGUAGES,
  offeredSnippets,
  snippetById,
  snippetLanguage,
  type SignInSnippet,
  type SignInSnippetId,
  type Snippet,
  type SnippetId,
  type SnippetLanguage,
  type SnippetLanguageId,
} from './languages';
export { DEFAULT_SERVICE_PATH, escapeSnippetText, renderConnectionFile, renderConnectionSnippet, snippetVariables, type SnippetVariables } from './render';
export { formatEnvValue, mergeEnvText, type EnvMergeResult, type EnvVariable } from './dotenv';
export { envIgnoreRule, ensureEnvIgnored, type GitignoreResult, type GitignoreStatus } from './gitignore';
export {
  COMPONENT_YAML_PATH,
  renamedVariables,
  serviceResourceRef,
  upsertConnectionReference,
  type ComponentYamlResult,
  type ConnectionReferenceInput,
  type EditOutcome,
  type RenamedVariable,
} from './componentYaml';
export { connectionValue, connectionVariables, type ConnectionVariables } from './connectionValues';
export {
  BROWSER_APP_PAGE,
  BROWSER_APP_PAGE_FILE_NAME,
  BROWSER_SECRET_WARNING,
  CONFIG_JS_FILE_NAME,
  browserConfigNames,
  browserConfigValues,
  browserRedirectUrl,
  renderBrowserConfig,
  type BrowserConfig,
} from './browserConfig';
