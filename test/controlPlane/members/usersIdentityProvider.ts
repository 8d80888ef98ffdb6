/**
 * The company's identity provider for the team-member tests: panva's `oidc-provider` with the OAuth 2.0 device
 * authorization grant (RFC 8628) for the extension's public client, JWT access tokens (RFC 9068) for the team server
 * as resource, refresh tokens and revocation. Its development login page accepts any login as the account's subject;
 * the people below have names and verified emails. Built of the external-IdP test parts (provider, keys).
 *
 * `approve` answers the provider's pages as a person would, with form posts (the integration test drives the same
 * pages in a browser); `signIn` runs the whole device flow for the API tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadOidcProvider, signingKeys } from '../externalIdp/oidcProvider';

export const EXTENSION_CLIENT_ID = 'choreo-vscode';
/** The team server's audience (RFC 8707 resource); started with --users-audience. */
export const TEAM_AUDIENCE = 'urn:choreo:team-server';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface Person {
  subject: string;
  name: string;
  email: string;
}

export const PEOPLE: Record<string, Person> = {
  ann: { subject: 'ann', name: 'Ann Admin', email: 'ann@stark.example' },
  dev: { subject: 'dev', name: 'Dave Developer', email: 'dave@stark.example' },
  vic: { subject: 'vic', name: 'Vic Viewer', email: 'vic@stark.example' },
  out: { subject: 'out', name: 'Olga Outsider', email: 'olga@elsewhere.example' },
};

/** People outside PEOPLE (not signed in by every team server): Mallory gives Ann's name and email as her own, as
 * anyone may at a provider that lets people set their profile (issue 22, row 8). */
export const IMPOSTORS: Record<string, Person> = {
  mallory: { subject: 'mallory', name: PEOPLE.ann.name, email: PEOPLE.ann.email },
};

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
}

export interface UsersIdentityProvider {
  issuer: string;
  wellKnownUrl: string;
  /** Starts a device authorization as the extension does. */
  deviceAuthorization(
    resource?: string,
  ): Promise<{ device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; interval: number }>;
  /** Enters the user code on the provider's page, signs in as `login` and consents: form posts, as a browser sends them. */
  approve(userCode: string, login: string): Promise<void>;
  /** The whole device flow for one person: tokens for `resource` (the team server unless said). */
  signIn(login: string, resource?: string): Promise<Tokens>;
  /** Lifetime of access tokens issued from now on (seconds). */
  accessTokenTtlSec: number;
  close(): Promise<void>;
}

export async function startUsersIdentityProvider(options: { accessTokenTtlSec?: number } = {}): Promise<UsersIdentityProvider> {
  const Provider = await loadOidcProvider();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ttl = options.accessTokenTtlSec ?? 300;

  const account = (id: string) => {
    const p = PEOPLE[id] ?? IMPOSTORS[id] ?? { subject: id, name: id, email: `${id}@stark.example` };
    return { sub: p.subject, name: p.name, email: p.email, email_verified: true };
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: EXTENSION_CLIENT_ID,
        client_name: 'Choreo for VS Code',
        id_token_signed_response_alg: 'ES256',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: await signingKeys(['ES256'], () => `users-${randomBytes(3).toString('hex')}`) },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => account(id) }),
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    ttl: { AccessToken: () => idp.accessTokenTtlSec, IdToken: 300, DeviceCode: 600, RefreshToken: 3600, Grant: 3600, Session: 3600, Interaction: 600 },
    // Access tokens carry who the person is, as Keycloak's and Asgardeo's do.
    extraTokenClaims: (_ctx: unknown, token: { kind: string; accountId: string }) => {
      if (token.kind !== 'AccessToken') return undefined;
      const { name, email, email_verified } = account(token.accountId);
      return { name, email, email_verified };
    },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => TEAM_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 'openid profile email offline_access',
          audience: resource,
          accessTokenTTL: idp.accessTokenTtlSec,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  provider.on('server_error', () => undefined);
  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => callback(req, res));

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(`${issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  const idp: UsersIdentityProvider = {
    issuer,
    wellKnownUrl: `${issuer}/.well-known/openid-configuration`,
    accessTokenTtlSec: ttl,
    async deviceAuthorization(resource = TEAM_AUDIENCE) {
      const { status, body } = await post('/device/auth', { client_id: EXTENSION_CLIENT_ID, scope: 'openid profile email offline_access', resource });
      if (status !== 200) throw new Error(`device authorization failed: ${status} ${JSON.stringify(body)}`);
      return body as any;
    },
    async approve(userCode, login) {
      const browser = new FormBrowser();
      let page = await browser.get(`${issuer}/device`);
      page = await browser.submit(page, { user_code: userCode }); // the code entry page
      page = await browser.submit(page, {}); // "Confirm Device"
      page = await browser.submit(page, { login, password: 'any' }); // the login page
      page = await browser.submit(page, {}); // consent
      if (!/Sign-in Success|success/i.test(page.html)) throw new Error(`the provider did not confirm the sign-in:\n${page.html.slice(0, 500)}`);
    },
    async signIn(login, resource = TEAM_AUDIENCE) {
      const start = await idp.deviceAuthorization(resource);
      await idp.approve(start.user_code, login);
      const { status, body } = await post('/token', { grant_type: DEVICE_GRANT, device_code: start.device_code, client_id: EXTENSION_CLIENT_ID, resource });
      if (status !== 200) throw new Error(`device token request failed: ${status} ${JSON.stringify(body)}`);
      return body as Tokens;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}

interface Page {
  url: string;
  html: string;
}

/** Just enough of a browser for the provider's pages: cookies, redirects, and submitting a page's form. */
class FormBrowser {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Page> {
    return this.request(url, { method: 'GET' });
  }

  /** Submits the page's first form with its hidden fields and these values. */
  async submit(page: Page, values: Record<string, string>): Promise<Page> {
    const formMatch = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page.html);
    if (!formMatch) throw new Error(`no form on ${page.url}:\n${page.html.slice(0, 500)}`);
    const action = /action="([^"]*)"/i.exec(formMatch[1])?.[1] ?? page.url;
    const fields: Record<string, string> = {};
    for (const input of formMatch[2].matchAll(/<input\b([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1])?.[1];
      const value = /value="([^"]*)"/i.exec(input[1])?.[1] ?? '';
      if (name && /type="hidden"/i.test(input[1])) fields[name] = value;
    }
    Object.assign(fields, values);
    const url = new URL(action.replace(/&amp;/g, '&'), page.url).href;
    return this.request(url, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  private async request(url: string, init: { method: string; body?: string; headers?: Record<string, string> }): Promise<Page> {
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...init.headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair.indexOf('=');
        this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        init = { method: 'GET' };
        await res.arrayBuffer();
        continue;
      }
      return { url, html: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
