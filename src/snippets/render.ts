// Turns a language's template into connection code: a VS Code snippet (the service path as tab stop 1) or a plain
// file that runs as is. Both read every value from the connection's CHOREO_* variables; no value is ever inlined.
import { envVariableName, type ConnectionConfig, type ConnectionKey } from '../api/connections';
import { SnippetError } from './errors';
import { snippetById, type Snippet, type SnippetId } from './languages';
import * as l10n from '@vscode/l10n';

/** The variable names a snippet reads, taken from the connection's entries (so renamed variables are honoured). */
export interface SnippetVariables {
  connectionName: string;
  serviceUrlVar: string;
  tokenUrlVar: string;
  consumerKeyVar: string;
  consumerSecretVar: string;
  /** Read by the snippets of apps that sign people in. */
  issuerUrlVar: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters a service path may hold: safe inside every template's string literal without quoting rules. */
const SERVICE_PATH = /^\/[A-Za-z0-9/_\-.~%?=&+:@,]*$/;
const PLACEHOLDER = /\{\{choreo\.([A-Za-z]+)\}\}/g;
export const DEFAULT_SERVICE_PATH = '/';

export function snippetVariables(config: Pick<ConnectionConfig, 'connectionName' | 'entries'>): SnippetVariables {
  const name = (key: ConnectionKey): string => {
    const chosen = config.entries.find((entry) => entry.key === key)?.envVariableName ?? envVariableName(config.connectionName, key);
    if (!ENV_NAME.test(chosen)) {
      throw new SnippetError(
        'invalid_variable_name',
        `"${chosen}" is not a valid environment variable name: use letters, digits and underscores, not starting with a digit.`,
      );
    }
    return chosen;
  };
  return {
    // Only shown inside a comment: keep it to characters no language treats specially there.
    connectionName: config.connectionName.replace(/[^A-Za-z0-9 _-]/g, '_'),
    serviceUrlVar: name('ServiceURL'),
    tokenUrlVar: name('TokenURL'),
    consumerKeyVar: name('ConsumerKey'),
    consumerSecretVar: name('ConsumerSecret'),
    issuerUrlVar: name('IssuerURL'),
  };
}

/** Escapes text for VS Code's snippet syntax, where `$`, `}` and `\` are special. */
export function escapeSnippetText(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function language(id: SnippetId | Snippet): Snippet {
  const found = typeof id === 'string' ? snippetById(id) : id;
  if (!found) {
    throw new SnippetError('unknown_language', l10n.t`There is no connection snippet for "${String(id)}".`);
  }
  return found;
}

function checkPath(path: string): string {
  if (!SERVICE_PATH.test(path)) {
    throw new SnippetError('invalid_service_path', `"${path}" is not a service path: start with "/" and use URL characters only (no quotes, spaces or "$").`);
  }
  return path;
}

function fill(template: string, values: Record<string, string>, literal: (text: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const value = values[match[1]!];
    if (value === undefined) {
      throw new SnippetError('template_placeholder', l10n.t`The template uses an unknown placeholder ${match[0]}.`);
    }
    out += literal(template.slice(last, match.index)) + value;
    last = match.index + match[0].length;
  }
  return out + literal(template.slice(last));
}

/** The connection code as a VS Code snippet string: the service path is tab stop 1, everything else literal. */
export function renderConnectionSnippet(
  languageId: SnippetId | Snippet,
  config: Pick<ConnectionConfig, 'connectionName' | 'entries'>,
  defaultPath: string = DEFAULT_SERVICE_PATH,
): string {
  const variables = snippetVariables(config);
  const escaped = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, escapeSnippetText(v)]));
  return fill(language(languageId).template, { ...escaped, path: `\${1:${escapeSnippetText(checkPath(defaultPath))}}` }, escapeSnippetText);
}

/** The same code as a plain file that runs as is, calling `path` on the service. */
export function renderConnectionFile(
  languageId: SnippetId | Snippet,
  config: Pick<ConnectionConfig, 'connectionName' | 'entries'>,
  path: string = DEFAULT_SERVICE_PATH,
): string {
  return fill(language(languageId).template, { ...snippetVariables(config), path: checkPath(path) }, (text) => text);
}
