// Makes sure the workspace's root .gitignore keeps .env (it holds a secret) out of git, adding one line at most.
//
// Rather than looking for the literal line ".env", the rules are evaluated the way git does for the root file
// ".env": `.env`, `/.env`, `*.env`, `.env*`, `**/.env`, `.e?v`, `*` all ignore it; a later `!.env` un-ignores it, and
// the last matching rule wins. Rules with a slash in the middle (`config/.env`) or a trailing slash (directories
// only) cannot match a file at the root. Nested .gitignore files, .git/info/exclude and the global excludes file
// are not read: a `.env` line in the root .gitignore is what keeps the rule in the repository for everyone.

export type GitignoreStatus =
  /** `.env` was not ignored: one `.env` line was appended. */
  | 'added'
  /** A rule already ignores `.env`; the text is unchanged. */
  | 'already-ignored'
  /** A `!` rule un-ignores `.env` on purpose; the text is unchanged and the caller should warn. */
  | 'unignored';

export interface GitignoreResult {
  text: string;
  status: GitignoreStatus;
  changed: boolean;
  /** The deciding rule and its 1-based line, when one matched. */
  rule?: { pattern: string; line: number };
}

/** A gitignore glob → a RegExp over one path segment; null when the rule cannot match a file at the root. */
function rootFileMatcher(pattern: string): RegExp | null {
  if (pattern.endsWith('/')) return null;
  let p = pattern;
  if (p.startsWith('**/')) p = p.slice(3);
  else if (p.startsWith('/')) p = p.slice(1);
  if (p.includes('/')) return null;
  let source = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) source += escapeRegExp(p[++i]!);
    else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let set = p.slice(i + 1, close);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      source += `[${set.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else source += escapeRegExp(c);
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return null;
  }
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Which rule of `text` decides whether the root file `.env` is ignored, if any. */
export function envIgnoreRule(text: string): { ignored: boolean; pattern: string; line: number } | undefined {
  let decision: { ignored: boolean; pattern: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((rawLine, index) => {
    // Trailing spaces are dropped unless escaped with a backslash, as git does.
    const line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) return;
    const negated = line.startsWith('!');
    let pattern = negated ? line.slice(1) : line;
    if (pattern.startsWith('\\#') || pattern.startsWith('\\!')) pattern = pattern.slice(1);
    if (rootFileMatcher(pattern)?.test('.env')) decision = { ignored: !negated, pattern: line, line: index + 1 };
  });
  return decision;
}

/** Adds `.env` to a root .gitignore's text (undefined when there is none) unless a rule already decides it. */
export function ensureEnvIgnored(existing: string | undefined): GitignoreResult {
  const text = existing ?? '';
  const rule = envIgnoreRule(text);
  if (rule) {
    return { text, status: rule.ignored ? 'already-ignored' : 'unignored', changed: false, rule: { pattern: rule.pattern, line: rule.line } };
  }
  const eol = /\r\n|\n/.exec(text)?.[0] ?? '\n';
  const separator = text.length > 0 && !text.endsWith('\n') ? eol : '';
  return { text: `${text}${separator}.env${eol}`, status: 'added', changed: true };
}
