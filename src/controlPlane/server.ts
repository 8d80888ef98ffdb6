/**
 * The control plane process: opens its backend (a data folder, which it locks, or a team database; backend.ts) with
 * the store, the signing keys and the admin token, listens, and answers. The token endpoint and the gateway are dispatched before the router (they are the
 * hot paths); everything else goes through the router, which the feature modules in routes/index.ts fill.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, BlockList } from 'node:net';
import * as path from 'node:path';
import { Cascade, ControlPlaneContext } from './context';
import { registerCoreCascades } from './domain/cascades';
import { AuthConfigRecord, C, coreCollections } from './domain/records';
import { identityProof } from '../api/identityProof';
import { ApiError, sendError } from './http/errors';
import { headerValue } from './http/headers';
import { HostCheck } from './http/hostCheck';
import { clientAddressBehind } from './http/clientAddress';
import { answerError, Router, type AfterAccessCheck } from './http/router';
import { BuiltInClient, ClientLookup, TokenEndpoint } from './idp/tokenEndpoint';
import { ProviderCors } from './idp/browserOrigins';
import { modules } from './routes';
import { writeFileAtomicSync } from './store/atomicFile';
import { NOT_IN_MEMORY } from './store/store';
import { gatewayState } from './gateway/state';
import type { UpstreamConnect } from './gateway/upstream/connector';
import { isLoopbackHost } from './externalIdp/discovery';
import type { Resolve } from './http/addressRule';
import { MembersGuard, UserTokenAuthenticator } from './members/access';
import { PersonalAccessTokenAuthenticator } from './members/personalTokens';
import { UsersIdp, type UsersIdpOptions } from './members/usersIdp';
import { openBackend, type TeamDatabase } from './backend';
import { keySettingsOf } from './domain/views';
import { authorizationServer } from './idp/authorizationServer';

export interface ServeOptions {
  /** The data folder; or `database` for a team control plane on PostgreSQL. */
  dataDir?: string;
  database?: TeamDatabase;
  host: string;
  port: number;
  /** The URL clients use, for a server behind a proxy or a team server; else http://host:port. */
  publicUrl?: string;
  compactBytes?: number;
  /** Every organization created gets the sample "Greeting Service" in its default project, and its upstream is
   * served (the local control plane the extension starts; a team server stays empty and serves no sample). */
  sampleService?: boolean;
  /** A team server (with publicUrl, or listening on a non-loopback host) connects only to public addresses (identity
   * providers' discovery documents and JWKS, services' upstreams) unless this is set (`--allow-private-addresses`:
   * providers and services inside the team's network). See http/outbound.ts. */
  allowPrivateAddresses?: boolean;
  /** Tests only: how names are resolved (a fake DNS), and how the gateway dials an upstream (one that records the
   * address instead of dialling it). Absent: the system's resolver, net.connect / tls.connect. */
  network?: { resolve?: Resolve; upstreamConnect?: UpstreamConnect };
  /** The team's identity provider, which signs people in (--users-idp, --users-client-id, --users-audience). */
  usersIdp?: UsersIdpOptions;
  /** `--trusted-proxy`: the reverse proxies whose X-Forwarded-For names the client (http/clientAddress.ts). */
  trustedProxies?: BlockList;
  /** Tests only (no command-line flag): holds a request between its access check and its handler. */
  afterAccessCheck?: AfterAccessCheck;
}

export interface RunningControlPlane {
  url: string;
  close(): Promise<void>;
}

function refuseHost(res: http.ServerResponse): void {
  sendError(
    res,
    new ApiError(
      421,
      'misdirected_request',
      'This control plane answers only requests addressed to it: localhost, a loopback address, or the host of its public URL.',
    ),
  );
}

/** Written while serving so that `rotate-keys` can reach the running process instead of fighting its lock. */
export const SERVER_INFO_FILE = 'server.json';

export async function startControlPlane(options: ServeOptions): Promise<RunningControlPlane> {
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  if (!publicUrl && (options.host === '0.0.0.0' || options.host === '::')) {
    throw new Error(`Listening on all interfaces (${options.host}) needs --public-url, the URL clients will use; it goes into issuers and token URLs.`);
  }
  const modulesCollections = modules.flatMap((m) => m.collections ?? []);
  const backend = await openBackend(
    options.database
      ? { database: options.database }
      : { dataDir: dataDir ?? fail('a data folder or a database is needed'), compactBytes: options.compactBytes },
    [...coreCollections, ...modulesCollections],
  );
  const { store, signingKeys, authenticators } = backend;
  let server: http.Server | undefined;
  try {
    let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
      res.writeHead(503, { 'retry-after': '1' }).end();
    };
    server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => handler(req, res));
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port, options.host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const baseUrl = publicUrl ?? `http://${host}:${port}`;

    const cascade = new Cascade();
    registerCoreCascades(cascade);
    const ctx: ControlPlaneContext = {
      store,
      baseUrl,
      signingKeys,
      cascade,
      sampleService: options.sampleService ?? false,
      // A team server: reached at a public URL, or listening beyond loopback. The local control plane (the
      // extension's, on 127.0.0.1) keeps reaching localhost: that is what it is for.
      outbound: {
        publicOnly: (publicUrl !== undefined || !isLoopbackHost(options.host)) && !options.allowPrivateAddresses,
        resolve: options.network?.resolve,
      },
      upstreamConnect: options.network?.upstreamConnect,
      clientAddress: clientAddressBehind(options.trustedProxies),
      proveIdentity: backend.adminToken === undefined ? undefined : (challenge) => identityProof(backend.adminToken!, challenge),
    };
    // Team members: people signed in with the team's identity provider, their tokens, roles and the audit log.
    if (options.usersIdp) {
      ctx.usersIdp = new UsersIdp(options.usersIdp);
      authenticators.push(new UserTokenAuthenticator(ctx.usersIdp, store, ctx.clientAddress));
      void ctx.usersIdp.provider().catch((err: Error) => console.error(`control plane: ${err.message} (tried again on the next sign-in)`));
    }
    authenticators.push(new PersonalAccessTokenAuthenticator(store));
    const router = new Router(authenticators, new MembersGuard(store, ctx.clientAddress), options.afterAccessCheck);
    for (const m of modules) m.register(router, ctx);

    const builtInClient = (r: AuthConfigRecord | undefined): BuiltInClient | undefined => {
      if (!r?.secretHash) return undefined;
      const settings = keySettingsOf(r);
      const client: BuiltInClient = {
        clientId: r.clientId,
        orgHandle: r.orgHandle,
        secretHash: r.secretHash,
        clientCredentials: !settings.publicClient && settings.grantTypes.includes('client_credentials'),
        tokenLifetimeSec: settings.expiry.applicationAccessToken,
      };
      if (r.secretRegeneratedAt !== undefined) client.secretVersion = Date.parse(r.secretRegeneratedAt);
      return client;
    };
    // A client in memory is answered without a promise; a team store fetches a cold one with one indexed query.
    const lookup: ClientLookup = (clientId) => {
      const r = store.findUniqueNow<AuthConfigRecord>(C.authConfigs, 'clientId', clientId);
      return r === NOT_IN_MEMORY ? store.findUnique<AuthConfigRecord>(C.authConfigs, 'clientId', clientId).then(builtInClient) : builtInClient(r);
    };
    const tokens = new TokenEndpoint(baseUrl, signingKeys, lookup, undefined, authorizationServer(ctx).grants);
    const gateway = gatewayState(ctx).dispatch;
    const hosts = new HostCheck(baseUrl);
    const providerCors = new ProviderCors(store);
    const route = (req: http.IncomingMessage, res: http.ServerResponse, url: string) => {
      try {
        const org = TokenEndpoint.match(url);
        if (org !== undefined) tokens.handle(req, res, org);
        else router.handle(req, res);
      } catch (err) {
        answerError(res, err);
      }
    };
    handler = (req, res) => {
      try {
        const host = headerValue(req.rawHeaders, 'host');
        if (!hosts.allows(host)) return refuseHost(res);
        const url = req.url ?? '';
        // A gateway URL it does not take (another method, a malformed path) goes on to the router.
        if (gateway !== undefined && url.startsWith('/gw/') && gateway(req, res, url)) return;
        // A browser's call to the identity provider: CORS first (idp/browserOrigins.ts).
        if (url.startsWith('/oauth2/') && providerCors.intercept(req, res, url, () => route(req, res, url))) return;
        route(req, res, url);
      } catch (err) {
        answerError(res, err);
      }
    };

    const infoFile = dataDir === undefined ? undefined : path.join(dataDir, SERVER_INFO_FILE);
    if (infoFile) writeFileAtomicSync(infoFile, JSON.stringify({ url: baseUrl, pid: process.pid }), 0o600);

    let closing: Promise<void> | undefined;
    return {
      url: baseUrl,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            listening.close(() => resolve());
            listening.closeIdleConnections();
            // Requests in flight get a moment to finish; then the rest are cut.
            setTimeout(() => listening.closeAllConnections(), 2000).unref();
          });
          if (infoFile) fs.rmSync(infoFile, { force: true });
          await backend.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    server?.close();
    await backend.close();
    throw err;
  }
}

function fail(message: string): never {
  throw new Error(message);
}
