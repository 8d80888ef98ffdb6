/**
 * The gateway: `{base}/gw/:org/:project/:component/:endpoint/:env/…` → the endpoint's upstream in that environment,
 * for callers that pass the access rules of access.ts. Tokens are checked by tokenCheck.ts (cached), calls
 * forwarded by proxy.ts.
 */
import type { HTTPMethod } from 'find-my-way';
import { gatewayAudience } from '../../api/routes';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { C, type ComponentRecord, type EnvironmentRecord, type IdentityProviderRecord, type OrganizationRecord, type ProjectRecord } from '../domain/records';
import type { Handler, Router } from '../http/router';
import type { Store } from '../store/store';
import { AccessDenied, authorizeCall } from './access';
import type { JSONWebKeySet, JWTVerifyGetKey } from './jose';
import { localKeys } from './jwks';
import { GatewayProxy, sendGatewayError } from './proxy';
import { gatewayState } from './state';
import { TokenChecker, TokenRejected, type IssuerLookup } from './tokenCheck';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const REALM = 'choreo-gateway';

/** The part of the URL after /gw/org/project/component/endpoint/env, and the query. */
export function splitGatewayUrl(url: string): { rest: string; search: string } {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  let at = 0;
  for (let n = 0; n < 6 && at !== -1; n++) at = path.indexOf('/', at + 1);
  return { rest: at === -1 ? '' : path.slice(at), search: q === -1 ? '' : url.slice(q) };
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

/** issuer → JWKS URL of every external identity provider, rebuilt after providers change. */
function externalIssuers(store: Store, ctx: ControlPlaneContext) {
  let map: Promise<Map<string, string>> | undefined;
  const rebuild = async () => {
    const issuers = new Map<string, string>();
    let after: string | undefined;
    for (;;) {
      const page = await store.page<OrganizationRecord>(C.orgs, { group: '', after, limit: 500 });
      for (const org of page.items) {
        for (const idp of await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', org.id)) {
          if (idp.kind === 'external' && idp.issuer && idp.jwksUri) issuers.set(idp.issuer, idp.jwksUri);
        }
      }
      if (page.last === undefined) return issuers;
      after = page.last;
    }
  };
  const state = gatewayState(ctx);
  state.onIssuersChanged(() => {
    map = undefined;
    // A delete is written after its cascade rules ran; look again once it has surely landed.
    setTimeout(() => (map = undefined), 1_000).unref();
  });
  return async (issuer: string) => {
    map ??= rebuild();
    return (await map).get(issuer);
  };
}

export const gateway: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    const { store, baseUrl } = ctx;
    const state = gatewayState(ctx);
    const builtIn = { keys: builtInKeys(ctx), audience: gatewayAudience(baseUrl) };
    const external = externalIssuers(store, ctx);
    const builtInPrefix = `${baseUrl}/oauth2/`;

    const lookup: IssuerLookup = async (issuer) => {
      if (issuer.startsWith(builtInPrefix)) {
        const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', decodeURIComponent(issuer.slice(builtInPrefix.length)));
        return org ? builtIn : undefined;
      }
      const jwksUri = await external(issuer);
      return jwksUri ? { keys: state.jwks.remote(jwksUri) } : undefined;
    };
    const checker = new TokenChecker(lookup, { realm: REALM });
    const proxy = new GatewayProxy();
    const upstreams = new Map<string, URL>();

    const handler: Handler = async ({ req, res, params }) => {
      const notFound = (message: string) => sendGatewayError(res, 404, 'not_found', message);
      const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', params.org);
      const project = org && (await store.findUnique<ProjectRecord>(C.projects, 'handle', `${org.id}/${params.project}`));
      const service = project && (await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${params.component}`));
      if (!org || !project || !service || service.type !== 'service') {
        return notFound(`There is no service ${params.org}/${params.project}/${params.component} behind this gateway URL.`);
      }
      const endpoint = service.endpoints?.find((e) => e.name === params.endpoint);
      if (!endpoint) return notFound(`The service "${service.name}" has no endpoint "${params.endpoint}".`);
      const env = await store.findUnique<EnvironmentRecord>(C.environments, 'handle', `${org.id}/${params.env}`);
      if (!env) return notFound(`Organization "${org.handle}" has no environment "${params.env}".`);
      const upstreamUrl = endpoint.upstreamUrls[env.handle];
      if (!upstreamUrl) {
        return sendGatewayError(res, 503, 'upstream_unavailable', `The endpoint "${endpoint.name}" of "${service.name}" has no upstream URL in ${env.name}; set one on the service.`);
      }

      let token;
      try {
        token = await checker.check(req.headers.authorization);
      } catch (err) {
        if (!(err instanceof TokenRejected)) throw err;
        return sendGatewayError(res, err.status, err.status === 400 ? 'validation_failed' : 'unauthorized', err.message, {
          'www-authenticate': err.wwwAuthenticate(REALM),
        });
      }
      try {
        await authorizeCall(store, baseUrl, token, { org, service, endpointName: endpoint.name, env });
      } catch (err) {
        if (!(err instanceof AccessDenied)) throw err;
        const challenge = new TokenRejected(err.status === 401 ? 'invalid_token' : undefined, err.message);
        const headers: Record<string, string> =
          err.status === 401
            ? { 'www-authenticate': challenge.wwwAuthenticate(REALM) }
            : { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope"` };
        return sendGatewayError(res, err.status, err.status === 401 ? 'unauthorized' : 'forbidden', err.message, headers);
      }

      let upstream = upstreams.get(upstreamUrl);
      if (!upstream) {
        upstream = new URL(upstreamUrl);
        upstreams.set(upstreamUrl, upstream);
      }
      const { rest, search } = splitGatewayUrl(req.url ?? '');
      await proxy.forward(req, res, upstream, rest, search);
    };

    for (const method of METHODS) {
      router.public(method, '/gw/:org/:project/:component/:endpoint/:env', handler);
      router.public(method, '/gw/:org/:project/:component/:endpoint/:env/*', handler);
    }
  },
};
