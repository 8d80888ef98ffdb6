/**
 * The gateway: `{base}/gw/:org/:project/:component/:endpoint/:env/…` → the endpoint's upstream in that environment,
 * for callers that pass the access rules of access.ts. Tokens are checked by tokenCheck.ts (cached), calls
 * forwarded by proxy.ts.
 *
 * Gateway calls are the control plane's hot path, so the server hands URLs under /gw/ to `dispatch` before the
 * router (see server.ts): it splits the path itself, and leaves to the router only what it does not take (another
 * method, an encoded or malformed path), which the router answers through the same handler or with its 404/405.
 */
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPMethod } from 'find-my-way';
import { gatewayAudience, issuerUrl } from '../../api/routes';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import {
  C,
  type AuthConfigRecord,
  type ComponentRecord,
  type EnvironmentRecord,
  type IdentityProviderRecord,
  type OrganizationRecord,
  type ProjectRecord,
} from '../domain/records';
import { headerValue } from '../http/headers';
import { answerError, type Handler, type Router } from '../http/router';
import type { Store } from '../store/store';
import { AccessDenied, audiencesOf, authorizeCall } from './access';
import { DEFAULT_CORS } from '../../api/cors';
import { answerPreflight, corsResponseHeaderObject, corsResponseHeaders, endpointCorsPolicy, isPreflight, originOf, type CorsPolicy } from '../http/cors';
import { ASSERTION_HEADER, CallerAssertions, type CallSubject, type Made } from './callerAssertion';
import type { JSONWebKeySet, JWTVerifyGetKey } from './jose';
import { localKeys } from './jwks';
import { greetingHandler } from '../sampleService/greetingService';
import { SAMPLE_UPSTREAM_PATH } from '../sampleService/module';
import { GatewayProxy, sendGatewayError } from './proxy';
import { UpstreamNetwork } from './upstream/connector';
import { gatewayState } from './state';
import { TokenChecker, TokenRejected, type IssuerLookup, type TrustedIssuer, type VerifiedToken } from './tokenCheck';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const REALM = 'choreo-gateway';

/** Where a gateway URL points, split from its path. */
export interface GatewayPath {
  org: string;
  project: string;
  component: string;
  endpoint: string;
  env: string;
  /** The path after the environment ('' or starting with '/'). */
  rest: string;
  /** The query, with its '?' ('' when none). */
  search: string;
  /** `org/project/component/endpoint/env` as they came in the URL: the key of the calls that passed (below).
   * Undefined for calls the router decoded, whose segments may hold any character. */
  route?: string;
}

/** Longest segment the router takes (its maxParamLength). */
const MAX_SEGMENT = 256;

/**
 * Splits `/gw/org/project/component/endpoint/env[/rest][?query]` in one pass, without the router. Undefined for
 * what the router should judge instead: fewer than five non-empty segments, a segment longer than the router
 * takes, or a path with `%`, `;` or `#` (which the router decodes or treats its own way; rare, so not repeated here).
 * `routed`: the router took the call and decoded its segments; only `rest` and `search` are wanted, and nothing is
 * refused.
 */
export function parseGatewayPath(url: string, routed = false): GatewayPath | undefined {
  let end = url.indexOf('?');
  const search = end === -1 ? '' : url.slice(end);
  if (end === -1) end = url.length;
  const cuts = [3, 0, 0, 0, 0, 0]; // the slashes before each of the five segments, and the one after the fifth
  let n = 1;
  for (let i = 4; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f /* / */) {
      if (!routed && (i - cuts[n - 1] <= 1 || i - cuts[n - 1] > MAX_SEGMENT + 1)) return undefined;
      cuts[n++] = i;
      if (n === 6) break;
    } else if (!routed && (c === 0x25 /* % */ || c === 0x3b /* ; */ || c === 0x23) /* # */) {
      return undefined;
    }
  }
  if (n < 5) return undefined;
  if (n === 5) {
    // No slash after the environment: it runs to the end of the path.
    if (!routed && (end - cuts[4] <= 1 || end - cuts[4] > MAX_SEGMENT + 1)) return undefined;
    cuts[5] = end;
  }
  return {
    org: url.slice(cuts[0] + 1, cuts[1]),
    project: url.slice(cuts[1] + 1, cuts[2]),
    component: url.slice(cuts[2] + 1, cuts[3]),
    endpoint: url.slice(cuts[3] + 1, cuts[4]),
    env: url.slice(cuts[4] + 1, cuts[5]),
    rest: url.slice(cuts[5], end),
    search,
    route: url.slice(cuts[0] + 1, cuts[5]),
  };
}

/** The built-in provider's public keys, re-imported only when the key set changes (rotation, retirement). */
function builtInKeys(ctx: ControlPlaneContext): JWTVerifyGetKey {
  let seen: JSONWebKeySet | undefined;
  let keys: JWTVerifyGetKey | undefined;
  return (header, token) => {
    const jwks = ctx.signingKeys.jwks() as unknown as JSONWebKeySet;
    if (jwks !== seen || !keys) {
      seen = jwks;
      keys = localKeys(jwks);
    }
    return keys(header, token);
  };
}

/** What the gateway needs of one registration of an external identity provider to verify its tokens. */
interface ExternalRegistration {
  id: string;
  orgId: string;
  jwksUri: string;
  /** The audiences its tokens must carry one of (this registration's own). */
  audiences: string[];
  /** Its latest Refresh: a refresh means "fetch the keys again now". */
  refreshedAt?: string;
}

/**
 * issuer → the registrations of it (each organization's, from its Well-Known URL). Rebuilt after any write to the
 * identity providers, through whichever replica it was made (the store's change feed calls onChange on every
 * replica), so a provider added, refreshed, changed or removed through one is trusted or dropped by all. The key
 * sets of registrations that went or were refreshed are fetched again; each registration has its own (jwks.ts).
 */
function externalRegistrations(store: Store, ctx: ControlPlaneContext) {
  const { jwks } = gatewayState(ctx);
  let map: Promise<Map<string, ExternalRegistration[]>> | undefined;
  let built = new Map<string, ExternalRegistration>();
  const rebuild = async () => {
    const byIssuer = new Map<string, ExternalRegistration[]>();
    const byId = new Map<string, ExternalRegistration>();
    let after: string | undefined;
    for (;;) {
      const page = await store.page<OrganizationRecord>(C.orgs, { group: '', after, limit: 500 });
      for (const org of page.items) {
        for (const idp of await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', org.id)) {
          if (idp.kind === 'external' && idp.issuer && idp.jwksUri) {
            const registration = { id: idp.id, orgId: idp.orgId, jwksUri: idp.jwksUri, audiences: audiencesOf(idp, ctx.baseUrl), refreshedAt: idp.refreshedAt };
            let list = byIssuer.get(idp.issuer);
            if (!list) byIssuer.set(idp.issuer, (list = []));
            list.push(registration);
            byId.set(idp.id, registration);
          }
        }
      }
      if (page.last === undefined) break;
      after = page.last;
    }
    for (const [id, was] of built) {
      const now = byId.get(id);
      if (!now || now.jwksUri !== was.jwksUri || now.refreshedAt !== was.refreshedAt) jwks.forget(id);
    }
    built = byId;
    return byIssuer;
  };
  // A rebuild already under way may have read the providers before this change: the next lookup starts another.
  store.onChange(C.identityProviders, () => (map = undefined));
  return async (issuer: string) => {
    map ??= rebuild().catch((err: unknown) => {
      map = undefined; // a database away: the next call tries again
      throw err;
    });
    return (await map).get(issuer);
  };
}

const ROUTED_METHODS = new Set<string>(METHODS);

/** A call that passed every check: where it went, and the store's generation when it was decided. */
interface PassedCall {
  generation: number;
  upstreamUrl: string;
  /** The organization's id: its calls have upstream connections of their own (proxy.ts). */
  orgId: string;
  /** The endpoint's CORS. */
  cors: CorsPolicy;
  /** Who called, for X-JWT-Assertion. */
  subject: CallSubject;
  /** The X-JWT-Assertion of these calls while it is fresh (a property read on the hot path). */
  assertion?: Made;
}

/** The CORS of an endpoint with no setting of its own, and of every gateway URL that names no endpoint. */
const DEFAULT_CORS_POLICY = endpointCorsPolicy(DEFAULT_CORS);

/** Routes remembered per token; a token calling more is someone walking URLs, not a client calling its services. */
const ROUTES_PER_TOKEN = 64;

export const gateway: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    const { store, baseUrl } = ctx;
    const state = gatewayState(ctx);
    const builtIn = { keys: builtInKeys(ctx), audience: gatewayAudience(baseUrl) };
    const external = externalRegistrations(store, ctx);
    const builtInPrefix = `${baseUrl}/oauth2/`;

    const lookup: IssuerLookup = async (issuer, clientId) => {
      if (issuer.startsWith(builtInPrefix)) {
        let handle: string;
        try {
          handle = decodeURIComponent(issuer.slice(builtInPrefix.length));
        } catch {
          return undefined; // a malformed percent-escape names no organization of ours
        }
        const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', handle);
        return org ? builtIn : undefined;
      }
      const registrations = await external(issuer);
      if (!registrations) return undefined;
      // Only the registrations whose consumers' keys name this client: an external Client ID names one consumer per
      // registration (the store's externalClientId index), so each organization's keys judge its own consumers'
      // tokens, and another organization's registration of the same issuer judges nothing of theirs.
      const trusted: TrustedIssuer[] = [];
      for (const r of registrations) {
        const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'externalClientId', `${r.id}/${clientId}`);
        if (config === undefined) continue;
        trusted.push({ keys: state.jwks.remote(r.jwksUri, r.id), audience: r.audiences, accessTokensOnly: true, registration: { id: r.id, orgId: r.orgId } });
      }
      return trusted;
    };
    const checker = new TokenChecker(lookup, { realm: REALM });
    const assertions = new CallerAssertions(baseUrl, ctx.signingKeys);
    const proxy = new GatewayProxy({ network: new UpstreamNetwork(ctx.outbound, ctx.upstreamConnect) });

    /**
     * An upstream URL at this control plane's own URL is never called over the network: the gateway would call
     * itself (a loop), and on a team server behind a proxy on the same host that URL leads to loopback, which the
     * outbound rule refuses. The sample service's upstream, which is there (sampleService/module.ts), is answered in
     * this process; anything else there is refused.
     */
    const ownPrefix = `${baseUrl}/`;
    const samplePrefix = `${baseUrl}${SAMPLE_UPSTREAM_PATH}`;
    const greet = ctx.sampleService ? greetingHandler() : undefined;
    const deliver = (req: IncomingMessage, res: ServerResponse, p: { rest: string; search: string }, token: VerifiedToken, call: PassedCall): void => {
      const { upstreamUrl } = call;
      const responseHeaders = corsResponseHeaders(call.cors, originOf(req));
      let made = call.assertion;
      if (made === undefined || Date.now() >= made.renewAt) call.assertion = made = assertions.for(token, call.subject);
      const assertion = made.jwt;
      if (!upstreamUrl.startsWith(ownPrefix)) return proxy.forward(req, res, upstreamUrl, p.rest, p.search, call.orgId, { assertion, responseHeaders });
      for (let i = 0; responseHeaders !== undefined && i < responseHeaders.length; i += 2) res.appendHeader(responseHeaders[i], responseHeaders[i + 1]);
      const sample = upstreamUrl === samplePrefix || upstreamUrl === `${samplePrefix}/`;
      if (sample && greet !== undefined) {
        req.url = `${SAMPLE_UPSTREAM_PATH}${p.rest}${p.search}`;
        // What the proxy hands any upstream (proxy.ts requestHead): X-Forwarded-* as the gateway saw the call, and no
        // token, so the sample answers as a service of one's own behind the gateway would.
        const h = req.headers;
        delete h.authorization;
        delete h.forwarded;
        delete h['x-real-ip'];
        h[ASSERTION_HEADER] = assertion;
        h['x-forwarded-for'] = [h['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
        h['x-forwarded-proto'] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
        if (h.host === undefined) delete h['x-forwarded-host'];
        else h['x-forwarded-host'] = h.host;
        return greet(req, res);
      }
      return sendGatewayError(
        res,
        502,
        'upstream_refused',
        `The upstream URL ${upstreamUrl} is this control plane itself; the gateway does not call itself. Set the service's own URL as its upstream.`,
      );
    };

    /**
     * The calls that passed, per verified token (the checker hands out the same object while the token is cached and
     * fresh): route → upstream, valid while the store's generation is the one they were decided in. A client calling
     * an endpoint again, the gateway's common case, is forwarded after a Map lookup: no store reads, no promise. Any
     * write (a connection deleted, keys regenerated, a service's upstream changed) makes every decision stale, so
     * the next call is judged from the records again. Refusals are not kept: each is answered from the records.
     */
    const passed = new WeakMap<VerifiedToken, Map<string, PassedCall>>();
    const remember = (token: VerifiedToken, route: string, call: PassedCall) => {
      let routes = passed.get(token);
      if (routes === undefined) passed.set(token, (routes = new Map()));
      else if (routes.size >= ROUTES_PER_TOKEN) routes.clear();
      routes.set(route, call);
    };
    /** Forwards a call like one that passed before, if there was one; false sends it through `serve`. */
    const forwardAsBefore = (req: IncomingMessage, res: ServerResponse, p: GatewayPath): boolean => {
      let token: VerifiedToken | undefined;
      try {
        token = checker.cached(headerValue(req.rawHeaders, 'authorization'));
      } catch {
        return false; // no token, or a malformed header: serve answers it
      }
      const call = token && passed.get(token)?.get(p.route as string);
      if (call === undefined || call.generation !== store.generation) return false;
      deliver(req, res, p, token!, call);
      return true;
    };

    /** The CORS of the endpoint a gateway URL names, or the default for a URL that names none: a preflight tells
     * nobody which endpoints exist, beyond those whose setting differs from the default. Read only for browsers' calls
     * (with an Origin) that are not forwarded as before. */
    const corsAt = async (p: GatewayPath): Promise<CorsPolicy> => {
      const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', p.org);
      const project = org && (await store.findUnique<ProjectRecord>(C.projects, 'handle', `${org.id}/${p.project}`));
      const service = project && (await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${p.component}`));
      const cors = service?.type === 'service' ? service.endpoints?.find((e) => e.name === p.endpoint)?.cors : undefined;
      return cors ? endpointCorsPolicy(cors) : DEFAULT_CORS_POLICY;
    };

    /** One gateway call: a CORS preflight is answered from the endpoint's setting before anything else (a browser
     * sends no token with it). Otherwise check the token, then find the endpoint and check the access rules, forward.
     * The token comes first, so a caller without one learns nothing of what exists (every such call gets the same
     * 401), and a token of one organization learns nothing of another's services. Never rejects: whatever throws is
     * answered as the router answers it (one async function per call, no promise chained on). */
    const serve = async (req: IncomingMessage, res: ServerResponse, p: GatewayPath): Promise<void> => {
      // Read before the first await: a write while this call is judged leaves its decision stale at once.
      const generation = store.generation;
      const origin = originOf(req);
      /** The gateway's own refusal, with the endpoint's CORS headers for a browser's call, so the page can read why. */
      const refuse = async (status: number, code: string, message: string, headers: Record<string, string> = {}, cors?: CorsPolicy) => {
        if (origin !== undefined) Object.assign(headers, corsResponseHeaderObject(cors ?? (await corsAt(p)), origin));
        sendGatewayError(res, status, code, message, headers);
      };
      const refuseToken = (err: TokenRejected, cors?: CorsPolicy) =>
        refuse(err.status, err.status === 400 ? 'validation_failed' : 'unauthorized', err.message, { 'www-authenticate': err.wwwAuthenticate(REALM) }, cors);
      try {
        if (origin !== undefined && isPreflight(req)) return answerPreflight(res, await corsAt(p), origin);
        let token;
        try {
          // A token seen before is answered from the cache without a promise; a new one is verified.
          const authorization = headerValue(req.rawHeaders, 'authorization');
          token = checker.cached(authorization) ?? (await checker.check(authorization));
        } catch (err) {
          if (!(err instanceof TokenRejected)) throw err;
          return await refuseToken(err);
        }
        const notIssuedFor = () =>
          refuseToken(
            new TokenRejected(
              'invalid_token',
              `The token was not issued for "${p.org}": get a token from that organization's token URL or one of its identity providers.`,
            ),
          );
        const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', p.org);
        if (!org) return await notIssuedFor();
        const ownToken = issuerServes(token, org);
        const project = await store.findUnique<ProjectRecord>(C.projects, 'handle', `${org.id}/${p.project}`);
        const service = project && (await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${p.component}`));
        const endpoint = service?.type === 'service' ? service.endpoints?.find((e) => e.name === p.endpoint) : undefined;
        const cors = endpoint?.cors ? endpointCorsPolicy(endpoint.cors) : DEFAULT_CORS_POLICY;
        // Another organization's token may call a Public endpoint only. For any other URL it gets the answer of an
        // organization it has nothing in, word for word, so it learns nothing of what exists there.
        if (!ownToken && endpoint?.visibility !== 'Public') return await notIssuedFor();
        if (!project || !service || service.type !== 'service') {
          return await refuse(404, 'not_found', `There is no service ${p.org}/${p.project}/${p.component} behind this gateway URL.`, {}, cors);
        }
        if (!endpoint) return await refuse(404, 'not_found', `The service "${service.name}" has no endpoint "${p.endpoint}".`, {}, cors);
        const env = await store.findUnique<EnvironmentRecord>(C.environments, 'handle', `${org.id}/${p.env}`);
        if (!env) return await refuse(404, 'not_found', `Organization "${org.handle}" has no environment "${p.env}".`, {}, cors);
        const upstreamUrl = endpoint.upstreamUrls[env.handle];
        if (!upstreamUrl) {
          return await refuse(
            503,
            'upstream_unavailable',
            `The endpoint "${endpoint.name}" of "${service.name}" has no upstream URL in ${env.name}; set one on the service.`,
            {},
            cors,
          );
        }
        let caller;
        try {
          caller = await authorizeCall(store, baseUrl, token, { org, service, endpointName: endpoint.name, visibility: endpoint.visibility, env });
        } catch (err) {
          if (!(err instanceof AccessDenied)) throw err;
          const challenge = new TokenRejected(err.status === 401 ? 'invalid_token' : undefined, err.message);
          const headers: Record<string, string> =
            err.status === 401
              ? { 'www-authenticate': challenge.wwwAuthenticate(REALM) }
              : { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope"` };
          return await refuse(err.status, err.code, err.message, headers, cors);
        }
        const subject: CallSubject = {
          serviceOrgHandle: org.handle,
          endpoint: `${org.handle}/${project.handle}/${service.name}/${endpoint.name}`,
          environment: env.handle,
          consumer: caller.consumer,
          connection: caller.connection,
        };
        const call: PassedCall = { generation, upstreamUrl, orgId: org.id, cors, subject };
        if (p.route !== undefined) remember(token, p.route, call);
        deliver(req, res, p, token, call);
      } catch (err) {
        answerError(res, err);
      }
    };

    /** Whether the token is one of the organization's identity providers' (its built-in one, or an external one
     * registered there whose keys verified it, with an audience of that registration). */
    const issuerServes = (token: VerifiedToken, org: OrganizationRecord): boolean => {
      if (token.issuer.startsWith(builtInPrefix)) return token.issuer === issuerUrl(baseUrl, org.handle);
      return token.registrations?.some((r) => r.orgId === org.id) === true;
    };

    state.dispatch = (req, res, url) => {
      if (!ROUTED_METHODS.has(req.method as string)) return false;
      const p = parseGatewayPath(url);
      if (!p) return false;
      // A preflight (OPTIONS) is answered by serve, before any token.
      if (req.method === 'OPTIONS' || !forwardAsBefore(req, res, p)) void serve(req, res, p);
      return true;
    };

    // What dispatch leaves to the router: the same calls, with the segments as the router decoded them.
    const handler: Handler = ({ req, res, params }) => {
      const { rest, search } = parseGatewayPath(req.url ?? '', true)!;
      const { org, project, component, endpoint, env } = params;
      return serve(req, res, { org, project, component, endpoint, env, rest, search });
    };
    for (const method of METHODS) {
      router.public(method, '/gw/:org/:project/:component/:endpoint/:env', handler);
      router.public(method, '/gw/:org/:project/:component/:endpoint/:env/*', handler);
    }
  },
};
