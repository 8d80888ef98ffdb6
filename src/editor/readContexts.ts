/**
 * Where code reads an environment variable, per language: the text before the cursor ends in one of these, and the
 * name typed so far follows. Pure (no vscode), so the patterns are tested in plain Node.
 */

/** The languages whose code reads variables, by VS Code language id (and `dotenv` for .env files). */
export const READING_LANGUAGES = [
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'python',
  'go',
  'java',
  'csharp',
  'shellscript',
  'dotenv',
] as const;
export type ReadingLanguage = (typeof READING_LANGUAGES)[number];

const NAME = '([A-Za-z0-9_]*)$';
const STRING_START = `\\(\\s*["']`;

const PATTERNS: Record<ReadingLanguage, RegExp[]> = {
  typescript: [new RegExp(`process\\.env\\.${NAME}`), new RegExp(`process\\.env\\[\\s*["'\`]${NAME}`)],
  typescriptreact: [],
  javascript: [],
  javascriptreact: [],
  python: [
    new RegExp(`os\\.environ\\[\\s*["']${NAME}`),
    new RegExp(`os\\.environ\\.get${STRING_START}${NAME}`),
    new RegExp(`os\\.getenv${STRING_START}${NAME}`),
  ],
  go: [new RegExp(`os\\.(?:Getenv|LookupEnv)\\(\\s*"${NAME}`)],
  java: [new RegExp(`System\\.getenv\\(\\s*"${NAME}`)],
  csharp: [new RegExp(`Environment\\.GetEnvironmentVariable\\(\\s*@?"${NAME}`)],
  shellscript: [new RegExp(`\\$\\{?${NAME}`)],
  // A key at the start of a line (optionally after `export `).
  dotenv: [new RegExp(`^\\s*(?:export\\s+)?${NAME}`)],
};
PATTERNS.typescriptreact = PATTERNS.javascript = PATTERNS.javascriptreact = PATTERNS.typescript;

/** The characters after which completion is offered without the user asking. */
export const TRIGGER_CHARACTERS = ['.', '"', "'", '`', '[', '(', '$', '{'];

/** The language a document counts as: .env files are often plain text, so its file name decides. */
export function readingLanguage(languageId: string, fileName: string): ReadingLanguage | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  if (languageId === 'dotenv' || /^\.env(\..+)?$/.test(base)) return 'dotenv';
  return (READING_LANGUAGES as readonly string[]).includes(languageId) ? (languageId as ReadingLanguage) : undefined;
}

/** When the text before the cursor reads a variable: the part of its name typed so far. */
export function variableBeingRead(language: ReadingLanguage, linePrefix: string): { typed: string } | undefined {
  for (const pattern of PATTERNS[language]) {
    const m = pattern.exec(linePrefix);
    if (m) return { typed: m[1] ?? '' };
  }
  return undefined;
}

/** A `CHOREO_…` name as it appears in code: upper-case letters, digits and underscores after the prefix. */
export const CHOREO_NAME = /\bCHOREO_[A-Z0-9_]+\b/g;

/** Every CHOREO_… name in `text`, with its offset. */
export function choreoNamesIn(text: string): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  for (const m of text.matchAll(CHOREO_NAME)) found.push({ name: m[0], offset: m.index });
  return found;
}
