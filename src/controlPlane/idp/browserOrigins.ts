/**
 * CORS of the built-in identity provider's endpoints that a browser app calls with fetch: discovery and JWKS for any
 * origin (public documents), the token endpoint, userinfo, revocation and logout for the origins of the
 * organization's registered callback URLs (the key settings of its consumers' built-in keys). The sign-in page and
 * the authorization endpoint are navigations, not fetches: they get none.
 *
 * Served before the router and the token endpoint (server.ts): a request without an Origin (a server's, a bot's:
 * the client_credentials hot path) costs one header lookup and nothing else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeySettings } from '../../api/keySettings';
import { C, type AuthConfigRecord, type OrganizationRecord } from '../domain/records';
import { findConsumerConfigs } from '../externalIdp/usage';
import { answerPreflight, corsPolicy, corsResponseHeaders, isPreflight, originOf, type CorsPolicy } from '../http/cors';
import { answerError } from '../http/router';
import type { Store } from '../store/store';

/** Discovery and JWKS: any page may read them. */
const PUBLIC_DOCUMENTS = new Set(['.well-known/openid-configuration', '.well-known/oauth-authorization-server', 'jwks']);
const PUBLIC_POLICY = corsPolicy({ origins: ['*'], methods: ['GET'], headers: [], maxAge: 3600 });
/** The endpoints a browser app calls with fetch (the path after `/oauth2/{org}/`), for its own origins only. */
const APP_ENDPOINTS = new Set(['token', 'userinfo', 'revoke', 'revocation', 'token/revocation', 'logout', 'session/end', 'end_session']);
const APP_METHODS = ['GET', 'POST'];
const APP_HEADERS = ['authorization', 'content-type'];
const APP_MAX_AGE = 600;
/** Organizations whose origins are kept; beyond it the cache starts over. */
const CACHED_ORGS = 10_000;

/** A built-in auth configuration as stored, with the key settings the authorization server keeps on it (absent on
 * keys made before them). */
type WithKeySettings = AuthConfigRecord & { keySettings?: Partial<Pick<KeySettings, 'callbackUrls'>> };

/** The web origin of a callback URL, or undefined for one that has none (a native app's private-use scheme). */
function webOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An organization's allowed origins: those of the callback URLs in its consumers' built-in key settings, every
 * environment's. Kept per organization until any auth configuration or organization changes (on a team server, the
 * change feed says so on every replica).
 */
export function organizationOrigins(store: Store): (orgHandle: string) => Promise<ReadonlySet<string>> {
  let cache = new Map<string, Promise<ReadonlySet<string>>>();
  const forget = () => (cache = new Map());
  store.onChange(C.authConfigs, forget);
  store.onChange(C.orgs, forget);
  const read = async (orgHandle: string): Promise<ReadonlySet<string>> => {
    const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', orgHandle);
    const origins = new Set<string>();
    if (!org) return origins;
    for (const { config } of await findConsumerConfigs(store, org.id, (c) => c.kind === 'built-in')) {
      for (const url of (config as WithKeySettings).keySettings?.callbackUrls ?? []) {
        const origin = webOrigin(url);
        if (origin !== undefined) origins.add(origin);
      }
    }
    return origins;
  };
  return (orgHandle) => {
    const kept = cache;
    let found = kept.get(orgHandle);
    if (found === undefined) {
      if (kept.size >= CACHED_ORGS) kept.clear();
      found = read(orgHandle);
      kept.set(orgHandle, found);
      found.catch(() => kept.delete(orgHandle)); // the database away: asked again next time
    }
    return found;
  };
}

/** `/oauth2/{org}/{rest}` → the organization (as written in the URL, decoded) and the rest, or undefined. */
function split(url: string): { org: string; rest: string } | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const slash = path.indexOf('/', 8);
  if (slash === -1) return undefined;
  try {
    return { org: decodeURIComponent(path.slice(8, slash)), rest: path.slice(slash + 1).replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

export class ProviderCors {
  private readonly origins: (orgHandle: string) => Promise<ReadonlySet<string>>;
  /** Per set of origins (one per organization until it changes): its policy. */
  private readonly policies = new WeakMap<ReadonlySet<string>, CorsPolicy>();

  constructor(store: Store) {
    this.origins = organizationOrigins(store);
  }

  /**
   * Takes a request under /oauth2/ from a browser (with an Origin): answers a preflight, or adds the CORS headers to
   * the answer and calls `next` (maybe after reading the organization's origins). False: nothing was taken, the
   * caller goes on (no Origin, or an endpoint without CORS).
   */
  intercept(req: IncomingMessage, res: ServerResponse, url: string, next: () => void): boolean {
    const origin = originOf(req);
    if (origin === undefined) return false;
    const target = split(url);
    if (target === undefined) return false;
    if (PUBLIC_DOCUMENTS.has(target.rest)) return this.apply(req, res, PUBLIC_POLICY, origin);
    if (!APP_ENDPOINTS.has(target.rest)) return false;
    this.origins(target.org).then(
      (origins) => {
        let policy = this.policies.get(origins);
        if (policy === undefined) {
          policy = corsPolicy({ origins, methods: APP_METHODS, headers: APP_HEADERS, maxAge: APP_MAX_AGE });
          this.policies.set(origins, policy);
        }
        if (!this.apply(req, res, policy, origin)) next();
      },
      (err: unknown) => answerError(res, err),
    );
    return true;
  }

  /** Answers a preflight (true), or sets the headers of the answer to come (false). */
  private apply(req: IncomingMessage, res: ServerResponse, policy: CorsPolicy, origin: string): boolean {
    if (isPreflight(req)) {
      answerPreflight(res, policy, origin);
      return true;
    }
    const headers = corsResponseHeaders(policy, origin) ?? [];
    for (let i = 0; i < headers.length; i += 2) res.appendHeader(headers[i], headers[i + 1]);
    return false;
  }
}
