// Merges a connection's variables into the text of a .env file. Only the lines of our keys change; every other
// byte (comments, blank lines, CRLF, order, quoting, a missing final newline aside) stays as it was.
import { SnippetError } from './errors';
import * as l10n from '@vscode/l10n';

export interface EnvVariable {
  name: string;
  value: string;
}

/** What a merge did, by variable name. Values are never reported: one of them is a secret. */
export interface EnvMergeResult {
  text: string;
  added: string[];
  updated: string[];
  unchanged: string[];
  changed: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters that need no quotes for dotenv parsers nor for a shell that sources the file (`set -a; . ./.env`). */
const BARE_VALUE = /^[A-Za-z0-9_\-.:/@+=%,]+$/;
const ASSIGNMENT = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

/** Writes a value so that dotenv libraries and POSIX shells both read it back unchanged. */
export function formatEnvValue(name: string, value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new SnippetError('env_value_unquotable', l10n.t`The value of ${name} spans lines; a .env line cannot hold it.`);
  }
  if (BARE_VALUE.test(value)) return value;
  // Single quotes are literal in dotenv and in sh; double quotes only when nothing inside would be interpreted.
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\$`]/.test(value)) return `"${value}"`;
  throw new SnippetError('env_value_unquotable', l10n.t`The value of ${name} holds both quote kinds and shell characters; write it by hand.`);
}

/** Reads the value part of an assignment the way dotenv libraries do; `open` is a quote left unclosed on this line. */
function parseValue(raw: string): { value: string; open?: string } {
  const quote = raw[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = quote === '"' ? findClosingDoubleQuote(raw) : raw.indexOf(quote, 1);
    if (end < 0) return { value: raw, open: quote };
    const inner = raw.slice(1, end);
    return { value: quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner };
  }
  return { value: raw.replace(/\s+#.*$/, '').trim() };
}

function findClosingDoubleQuote(text: string, from = 1): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function closes(line: string, quote: string): boolean {
  return quote === '"' ? findClosingDoubleQuote(line, 0) >= 0 : line.includes(quote);
}

/** The trailing `# comment` of an assignment, kept when we rewrite its value. */
function trailingComment(raw: string): string {
  const quote = raw[0];
  let rest = raw;
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = quote === '"' ? findClosingDoubleQuote(raw) : raw.indexOf(quote, 1);
    rest = end < 0 ? '' : raw.slice(end + 1);
  }
  return /(\s+#.*)$/.exec(rest)?.[1] ?? '';
}

/**
 * Merges `variables` into `existing` (undefined or '' when there is no .env yet). Our keys are replaced in place,
 * every occurrence of them; new ones are appended, after `comment` (a `# ...` line) when one is given.
 */
export function mergeEnvText(existing: string | undefined, variables: readonly EnvVariable[], comment?: string): EnvMergeResult {
  for (const variable of variables) {
    if (!ENV_NAME.test(variable.name)) {
      throw new SnippetError('invalid_variable_name', `"${variable.name}" is not a valid environment variable name.`);
    }
  }
  const wanted = new Map(variables.map((v) => [v.name, formatEnvValue(v.name, v.value)]));
  const values = new Map(variables.map((v) => [v.name, v.value]));
  const text = existing ?? '';
  const eol = /\r\n|\n/.exec(text)?.[0] ?? '\n';
  // Keep each line with its own ending, so untouched lines are copied back byte for byte.
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const seen = new Map<string, boolean>(); // name → some occurrence differed
  const out: string[] = [];
  // A quote left open by a multi-line value: the lines up to its close are not assignments, whatever they look
  // like. They are kept, unless the value is one of ours being replaced.
  let openQuote: string | undefined;
  let dropContinuation = false;
  for (const [index, line] of lines.entries()) {
    if (openQuote) {
      if (closes(line, openQuote)) openQuote = undefined;
      if (!dropContinuation) out.push(line);
      continue;
    }
    const ending = /\r?\n$/.exec(line)?.[0] ?? '';
    const match = ASSIGNMENT.exec(line.slice(0, line.length - ending.length));
    if (!match) {
      out.push(line);
      continue;
    }
    const [, indent, exported = '', name, equals, raw] = match as unknown as [string, string, string | undefined, string, string, string];
    const parsed = parseValue(raw);
    // A quote that never closes is taken as a one-line value, so a stray quote cannot swallow the rest of the file.
    if (parsed.open && !lines.slice(index + 1).some((next) => closes(next, parsed.open!))) delete parsed.open;
    openQuote = parsed.open;
    dropContinuation = wanted.has(name);
    if (!wanted.has(name)) {
      out.push(line);
    } else if (!parsed.open && parsed.value === values.get(name)) {
      if (!seen.has(name)) seen.set(name, false);
      out.push(line);
    } else {
      seen.set(name, true);
      const kept = parsed.open ? '' : trailingComment(raw);
      out.push(`${indent}${exported}${name}${equals}${wanted.get(name)}${kept}${ending || (parsed.open ? eol : '')}`);
    }
  }
  return finish(out, text, eol, variables, wanted, seen, comment);
}

function finish(
  out: string[],
  text: string,
  eol: string,
  variables: readonly EnvVariable[],
  wanted: Map<string, string>,
  seen: Map<string, boolean>,
  comment: string | undefined,
): EnvMergeResult {
  const added = variables.map((v) => v.name).filter((name) => !seen.has(name));
  const header = comment ? `# ${comment.replace(/[\r\n]+/g, ' ')}` : undefined;
  // A second write (say, now with the secret) adds to the block its header already heads, not a second header.
  const at = header ? out.findIndex((line) => line.replace(/\r?\n$/, '') === header) : -1;
  let result: string;
  if (added.length > 0 && at >= 0) {
    let end = at + 1;
    while (end < out.length && ASSIGNMENT.test(out[end]!.replace(/\r?\n$/, ''))) end++;
    if (!/\n$/.test(out[end - 1]!)) out[end - 1] += eol;
    out.splice(end, 0, ...added.map((name) => `${name}=${wanted.get(name)}${eol}`));
    result = out.join('');
  } else {
    result = out.join('');
    if (added.length > 0) {
      if (result.length > 0 && !result.endsWith('\n')) result += eol;
      if (header) result += `${header}${eol}`;
      for (const name of added) result += `${name}=${wanted.get(name)}${eol}`;
    }
  }
  return {
    text: result,
    added,
    updated: [...seen].filter(([, differed]) => differed).map(([name]) => name),
    unchanged: [...seen].filter(([, differed]) => !differed).map(([name]) => name),
    changed: result !== text,
  };
}
