import { keysHoldSecret, type ConnectionConfig } from '../api/connections';
import * as l10n from '@vscode/l10n';
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
import browserAppOidcClientTs from './templates/browser-app-oidc-client-ts.js.tmpl';
import webAppOpenidClient from './templates/web-app-openid-client.mjs.tmpl';
import nativeAppOpenidClient from './templates/native-app-openid-client.mjs.tmpl';

/**
 * In picker order: each language's hand-written snippet (standard library only), then, beside it, the variant
 * written with the OAuth library that language's developers reach for, where one installs here and is run in the
 * tests. Java (Spring Security, Nimbus) and C# (Duende IdentityModel) have none: neither is packaged by Debian or npm
 * (Debian's one Java OAuth client is Google's, for Google's APIs), and no dotnet is here to run C# at all. Templates
 * are data files in ./templates, one per entry.
 */
/** What every snippet entry declares, connection snippets and sign-in snippets alike. */
interface SnippetShape {
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
}

export const SNIPPET_LANGUAGES = [
  {
    id: 'typescript',
    language: 'typescript',
    label: 'TypeScript',
    detail: 'fetch, Node 18+',
    languageId: 'typescript',
    fileName: 'choreo-connection.ts',
    template: typescript,
  },
  {
    id: 'typescript-openid-client',
    language: 'typescript',
    label: 'TypeScript (openid-client)',
    detail: 'openid-client 6, Node 20+ (npm install openid-client)',
    languageId: 'typescript',
    fileName: 'choreo-connection.mts',
    template: typescriptOpenidClient,
  },
  {
    id: 'javascript',
    language: 'javascript',
    label: 'JavaScript',
    detail: 'fetch, Node 18+',
    languageId: 'javascript',
    fileName: 'choreo-connection.js',
    template: javascript,
  },
  {
    id: 'javascript-openid-client',
    language: 'javascript',
    label: 'JavaScript (openid-client)',
    detail: 'openid-client 6, ES module, Node 20+ (npm install openid-client)',
    languageId: 'javascript',
    fileName: 'choreo-connection.mjs',
    template: javascriptOpenidClient,
  },
  {
    id: 'python',
    language: 'python',
    label: 'Python',
    detail: 'urllib, standard library only',
    languageId: 'python',
    fileName: 'choreo_connection.py',
    template: python,
  },
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
  {
    id: 'java',
    language: 'java',
    label: 'Java',
    detail: 'java.net.http, Java 11+',
    languageId: 'java',
    fileName: 'ChoreoConnectionClient.java',
    template: java,
  },
  { id: 'csharp', language: 'csharp', label: 'C#', detail: 'HttpClient, .NET 6+', languageId: 'csharp', fileName: 'Program.cs', template: csharp },
  { id: 'shell', language: 'shell', label: 'Shell', detail: 'curl; jq optional', languageId: 'shellscript', fileName: 'choreo-connection.sh', template: shell },
] as const satisfies readonly SnippetShape[];

export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];
export type SnippetLanguageId = SnippetLanguage['id'];

export function snippetLanguage(id: string): SnippetLanguage | undefined {
  return SNIPPET_LANGUAGES.find((language) => language.id === id);
}

/**
 * Apps that sign people in (Authorization Code with PKCE), offered beside the languages when the connection's keys
 * can sign people in (its config carries IssuerURL). One per kind of app:
 * - a browser app, with oidc-client-ts: it runs the whole flow (discovery, PKCE, state, nonce, the ID token's checks,
 *   token storage, RP-initiated logout) behind signinRedirect/signinRedirectCallback/signoutRedirect, where
 *   oauth4webapi (same author as openid-client, fewer bytes) leaves each of those steps to the app's own code: in a
 *   snippet, the fewer steps a user copies, the fewer they get wrong. It reads config.js, never a secret.
 * - a server-side web app, with openid-client, as a confidential client with a session cookie;
 * - a native app with a loopback redirect (RFC 8252), with openid-client, as a public client.
 */
export const SIGN_IN_SNIPPETS = [
  {
    id: 'browser-app-oidc-client-ts',
    app: 'browser',
    language: 'javascript',
    label: l10n.t('Browser App: Sign In (oidc-client-ts)'),
    detail: l10n.t('single-page app, reads config.js, no secret (npm install oidc-client-ts)'),
    languageId: 'javascript',
    fileName: 'app.js',
    template: browserAppOidcClientTs,
  },
  {
    id: 'web-app-openid-client',
    app: 'web-server',
    language: 'javascript',
    label: l10n.t('Web App (server): Sign In (openid-client)'),
    detail: l10n.t('Node 20+, confidential client, session cookie (npm install openid-client)'),
    languageId: 'javascript',
    fileName: 'web-app.mjs',
    template: webAppOpenidClient,
  },
  {
    id: 'native-app-openid-client',
    app: 'native',
    language: 'javascript',
    label: l10n.t('Native App: Sign In with a Loopback Redirect (openid-client)'),
    detail: l10n.t('RFC 8252: 127.0.0.1, system browser, PKCE, no secret (npm install openid-client)'),
    languageId: 'javascript',
    fileName: 'native-app.mjs',
    template: nativeAppOpenidClient,
  },
] as const satisfies readonly (SnippetShape & {
  /** The kind of app, whose keys it needs: a browser or native app a public client, a web server a confidential one. */
  app: 'browser' | 'web-server' | 'native';
})[];

export type SignInSnippet = (typeof SIGN_IN_SNIPPETS)[number];
export type SignInSnippetId = SignInSnippet['id'];
/** Any snippet Insert Connection Snippet offers. */
export type Snippet = SnippetLanguage | SignInSnippet;
export type SnippetId = Snippet['id'];

/** A snippet of either list, by its ID. */
export function snippetById(id: string): Snippet | undefined {
  return snippetLanguage(id) ?? SIGN_IN_SNIPPETS.find((snippet) => snippet.id === id);
}

/**
 * What Insert Connection Snippet offers for a connection: every language (`preferred` first), then, when the
 * connection's keys can sign people in (its config carries IssuerURL), the apps that do; for a public client's keys
 * (no ConsumerSecret) only the browser and native apps.
 */
export function offeredSnippets(config: Pick<ConnectionConfig, 'entries'>, preferred: string): Snippet[] {
  const languages = [...SNIPPET_LANGUAGES].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
  const signsPeopleIn = config.entries.some((entry) => entry.key === 'IssuerURL');
  // A public client's keys hold no secret: the client_credentials snippets and the confidential web app need one.
  const secret = keysHoldSecret(config);
  return [...(secret ? languages : []), ...(signsPeopleIn ? SIGN_IN_SNIPPETS.filter((snippet) => secret || snippet.app !== 'web-server') : [])];
}
