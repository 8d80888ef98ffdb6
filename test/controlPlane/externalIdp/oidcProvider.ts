/**
 * A real external identity provider for the tests: panva's `oidc-provider` (a certified OpenID provider no one here
 * wrote) on a loopback port, with two `client_credentials` clients: one whose access tokens are JWTs (RFC 9068) and
 * one whose access tokens are opaque, as a provider left on its default token type would issue.
 * The building blocks (loading the provider, its keys, clients and features) serve the snippet tests' provider too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jose } from '../../../src/controlPlane/gateway/jose';

export const JWT_CLIENT = { clientId: 'stark-mobile-jwt', clientSecret: 'jwt-client-secret-0123456789abcdef' };
export const OPAQUE_CLIENT = { clientId: 'stark-mobile-opaque', clientSecret: 'opaque-client-secret-0123456789abcdef' };
/** The resource (audience) the provider's access tokens are issued for. */
export const GATEWAY_RESOURCE = 'urn:choreo:gateway';

export interface RunningProvider {
  issuer: string;
  wellKnownUrl: string;
  tokenEndpoint: string;
  /** Gets an access token with client_credentials and HTTP Basic client authentication. */
  token(client: { clientId: string; clientSecret: string }): Promise<string>;
  /** Registers one more JWT client (a consumer's app) on the fly. */
  addJwtClient(clientId: string, clientSecret: string): void;
  /** How many times its key set (JWKS) was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

/** What the tests use of an `oidc-provider` instance. */
export interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: () => void): void;
  Client: { adapter: { upsert(id: string, payload: object): Promise<void> } };
}

/** The `oidc-provider` class. */
export async function loadOidcProvider(): Promise<new (issuer: string, config: object) => OidcProvider> {
  // oidc-provider is ESM-only; a dynamic import keeps the CommonJS test files loadable by tsx.
  // It ships no type declarations either, hence the specifier in a variable and the narrow cast.
  const specifier = 'oidc-provider';
  const { default: Provider } = (await import(specifier)) as { default: new (issuer: string, config: object) => OidcProvider };
  return Provider;
}

/** One private signing key per algorithm, as the provider's JWKS. */
export async function signingKeys(algs: readonly ('RS256' | 'ES256')[], kid: (alg: string) => string) {
  const keys = [];
  for (const alg of algs) {
    const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
    const jwk = await jose.exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: 'sig', kid: kid(alg) });
  }
  return keys;
}

/** A consumer's app at the provider: client_credentials only, with HTTP Basic client authentication. */
export const clientCredentialsClient = (c: { clientId: string; clientSecret: string }) => ({
  client_id: c.clientId,
  client_secret: c.clientSecret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
});

/** A provider that only issues client_credentials tokens, each for a resource server that `resourceIndicators` describes. */
export const clientCredentialsFeatures = (resourceIndicators: object) => ({
  devInteractions: { enabled: false },
  clientCredentials: { enabled: true },
  resourceIndicators: { enabled: true, ...resourceIndicators },
});

export interface ProviderOptions {
  /** Answers a request before the provider does (another document or key set at the provider's host); true when it
   * answered. */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export async function startOidcProvider(options: ProviderOptions = {}): Promise<RunningProvider> {
  const Provider = await loadOidcProvider();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const jwtClients = new Set([JWT_CLIENT.clientId]);
  const provider = new Provider(issuer, {
    clients: [clientCredentialsClient(JWT_CLIENT), clientCredentialsClient(OPAQUE_CLIENT)],
    jwks: { keys: await signingKeys(['RS256', 'ES256'], (alg) => `${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`) },
    ttl: { ClientCredentials: 300 },
    features: clientCredentialsFeatures({
      defaultResource: () => GATEWAY_RESOURCE,
      getResourceServerInfo: (_ctx: unknown, resource: string, c: { clientId: string }) => ({
        scope: 'read',
        audience: resource,
        accessTokenFormat: jwtClients.has(c.clientId) ? 'jwt' : 'opaque',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'ES256' } },
      }),
    }),
  });
  // Quiet: the provider warns about http and the in-memory adapter, both intended here.
  provider.on('server_error', () => undefined);
  let jwksFetches = 0;
  server.on('request', (req) => {
    if (req.url?.startsWith('/jwks')) jwksFetches++;
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!options.before?.(req, res)) callback(req, res);
  });

  const tokenEndpoint = `${issuer}/token`;
  return {
    issuer,
    wellKnownUrl: `${issuer}/.well-known/openid-configuration`,
    tokenEndpoint,
    async token(c) {
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=read',
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    addJwtClient(clientId, clientSecret) {
      jwtClients.add(clientId);
      // Static clients are read at construction; later ones go through the provider's client store.
      void provider.Client.adapter.upsert(clientId, clientCredentialsClient({ clientId, clientSecret }));
    },
    jwksFetches: () => jwksFetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
