import typescript from './templates/typescript.ts.tmpl';
import javascript from './templates/javascript.js.tmpl';
import python from './templates/python.py.tmpl';
import go from './templates/go.go.tmpl';
import java from './templates/java.java.tmpl';
import csharp from './templates/csharp.cs.tmpl';
import shell from './templates/shell.sh.tmpl';

export type SnippetLanguageId = 'typescript' | 'javascript' | 'python' | 'go' | 'java' | 'csharp' | 'shell';

export interface SnippetLanguage {
  id: SnippetLanguageId;
  /** What the language picker shows. */
  label: string;
  /** What the snippet relies on, shown as the picker's description. */
  detail: string;
  /** VS Code language identifier, for a new untitled document. */
  languageId: string;
  /** A file name the runnable rendering can be saved under and run as is. */
  fileName: string;
  template: string;
}

/** In picker order. Templates are data files in ./templates, one per language. */
export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = [
  { id: 'typescript', label: 'TypeScript', detail: 'fetch, Node 18+', languageId: 'typescript', fileName: 'choreo-connection.ts', template: typescript },
  { id: 'javascript', label: 'JavaScript', detail: 'fetch, Node 18+', languageId: 'javascript', fileName: 'choreo-connection.js', template: javascript },
  { id: 'python', label: 'Python', detail: 'urllib, standard library only', languageId: 'python', fileName: 'choreo_connection.py', template: python },
  { id: 'go', label: 'Go', detail: 'net/http', languageId: 'go', fileName: 'main.go', template: go },
  { id: 'java', label: 'Java', detail: 'java.net.http, Java 11+', languageId: 'java', fileName: 'ChoreoConnectionClient.java', template: java },
  { id: 'csharp', label: 'C#', detail: 'HttpClient, .NET 6+', languageId: 'csharp', fileName: 'Program.cs', template: csharp },
  { id: 'shell', label: 'Shell', detail: 'curl; jq optional', languageId: 'shellscript', fileName: 'choreo-connection.sh', template: shell },
];

export function snippetLanguage(id: string): SnippetLanguage | undefined {
  return SNIPPET_LANGUAGES.find((language) => language.id === id);
}
