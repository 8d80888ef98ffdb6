import typescript from './templates/typescript.ts.tmpl';
import typescriptOpenidClient from './templates/typescript-openid-client.mts.tmpl';
import javascript from './templates/javascript.js.tmpl';
import javascriptOpenidClient from './templates/javascript-openid-client.mjs.tmpl';
import python from './templates/python.py.tmpl';
import pythonAuthlib from './templates/python-authlib.py.tmpl';
import go from './templates/go.go.tmpl';
import goOauth2 from './templates/go-oauth2.go.tmpl';
import java from './templates/java.java.tmpl';
import csharp from './templates/csharp.cs.tmpl';
import shell from './templates/shell.sh.tmpl';

/**
 * In picker order: each language's hand-written snippet (standard library only), then, beside it, the variant
 * written with the OAuth library that language's developers reach for, where one installs here and is run in the
 * tests. Java (Spring Security, Nimbus) and C# (Duende IdentityModel) have none: neither is packaged by Debian or npm
 * (Debian's one Java OAuth client is Google's, for Google's APIs), and no dotnet is here to run C# at all. Templates
 * are data files in ./templates, one per entry.
 */
export const SNIPPET_LANGUAGES = [
  { id: 'typescript', language: 'typescript', label: 'TypeScript', detail: 'fetch, Node 18+', languageId: 'typescript', fileName: 'choreo-connection.ts', template: typescript },
  {
    id: 'typescript-openid-client',
    language: 'typescript',
    label: 'TypeScript (openid-client)',
    detail: 'openid-client 6, Node 20+ (npm install openid-client)',
    languageId: 'typescript',
    fileName: 'choreo-connection.mts',
    template: typescriptOpenidClient,
  },
  { id: 'javascript', language: 'javascript', label: 'JavaScript', detail: 'fetch, Node 18+', languageId: 'javascript', fileName: 'choreo-connection.js', template: javascript },
  {
    id: 'javascript-openid-client',
    language: 'javascript',
    label: 'JavaScript (openid-client)',
    detail: 'openid-client 6, ES module, Node 20+ (npm install openid-client)',
    languageId: 'javascript',
    fileName: 'choreo-connection.mjs',
    template: javascriptOpenidClient,
  },
  { id: 'python', language: 'python', label: 'Python', detail: 'urllib, standard library only', languageId: 'python', fileName: 'choreo_connection.py', template: python },
  {
    id: 'python-authlib',
    language: 'python',
    label: 'Python (Authlib)',
    detail: 'Authlib 1.2+ and requests (pip install authlib requests)',
    languageId: 'python',
    fileName: 'choreo_connection.py',
    template: pythonAuthlib,
  },
  { id: 'go', language: 'go', label: 'Go', detail: 'net/http', languageId: 'go', fileName: 'main.go', template: go },
  {
    id: 'go-oauth2',
    language: 'go',
    label: 'Go (golang.org/x/oauth2)',
    detail: 'clientcredentials (go get golang.org/x/oauth2)',
    languageId: 'go',
    fileName: 'main.go',
    template: goOauth2,
  },
  { id: 'java', language: 'java', label: 'Java', detail: 'java.net.http, Java 11+', languageId: 'java', fileName: 'ChoreoConnectionClient.java', template: java },
  { id: 'csharp', language: 'csharp', label: 'C#', detail: 'HttpClient, .NET 6+', languageId: 'csharp', fileName: 'Program.cs', template: csharp },
  { id: 'shell', language: 'shell', label: 'Shell', detail: 'curl; jq optional', languageId: 'shellscript', fileName: 'choreo-connection.sh', template: shell },
] as const satisfies readonly {
  /** Stable: the `choreo.snippets.defaultLanguage` setting and commands' `language` option name it. */
  id: string;
  /** The programming language, whichever way the snippet is written. */
  language: string;
  /** What the language picker shows. */
  label: string;
  /** What the snippet relies on (and how to get it), shown as the picker's description. */
  detail: string;
  /** VS Code language identifier, for a new untitled document. */
  languageId: string;
  /** A file name the runnable rendering can be saved under and run as is. */
  fileName: string;
  template: string;
}[];

export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];
export type SnippetLanguageId = SnippetLanguage['id'];

export function snippetLanguage(id: string): SnippetLanguage | undefined {
  return SNIPPET_LANGUAGES.find((language) => language.id === id);
}
