/**
 * CORS (the Fetch standard's protocol) for the gateway and the built-in identity provider's browser-facing endpoints:
 * one policy shape, the answer to a preflight, and the headers of an actual response. A disallowed origin gets no
 * Access-Control-Allow-Origin, so the browser keeps the answer from the page; the call itself is judged as any other
 * (CORS protects the page's user, not the server).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsSetting } from '../../api/cors';
import { headerValue } from './headers';

export interface CorsPolicy {
  /** Any origin may read the answers (`*`). */
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
  readonly credentials: boolean;
  /** The preflight answer's headers for an allowed origin, but Access-Control-Allow-Origin and Vary. */
  readonly preflight: readonly string[];
}

/** A policy from its parts; `methods` and `headers` as they go into the preflight answer. */
export function corsPolicy(p: {
  origins: Iterable<string>;
  methods: readonly string[];
  headers: readonly string[];
  credentials?: boolean;
  maxAge: number;
}): CorsPolicy {
  const origins = new Set(p.origins);
  const credentials = p.credentials === true;
  const preflight = ['access-control-allow-methods', p.methods.join(', '), 'access-control-max-age', String(p.maxAge)];
  if (p.headers.length > 0) preflight.push('access-control-allow-headers', p.headers.join(', '));
  if (credentials) preflight.push('access-control-allow-credentials', 'true');
  return { anyOrigin: origins.has('*'), origins, credentials, preflight };
}

const fromSetting = new WeakMap<CorsSetting, CorsPolicy>();

/** An endpoint's CORS setting as a policy, made once per stored setting. */
export function endpointCorsPolicy(setting: CorsSetting): CorsPolicy {
  let policy = fromSetting.get(setting);
  if (policy === undefined) {
    policy = corsPolicy({
      origins: setting.allowOrigins,
      methods: setting.allowMethods,
      headers: setting.allowHeaders,
      credentials: setting.allowCredentials,
      maxAge: setting.maxAge,
    });
    fromSetting.set(setting, policy);
  }
  return policy;
}

/** The request's Origin header (absent on calls that are not a browser's cross-origin ones). */
export const originOf = (req: IncomingMessage): string | undefined => headerValue(req.rawHeaders, 'origin');

/** A CORS preflight: OPTIONS with an Origin and Access-Control-Request-Method (a plain OPTIONS is a call like any). */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && originOf(req) !== undefined && headerValue(req.rawHeaders, 'access-control-request-method') !== undefined;
}

/** Whether the policy lets pages of `origin` read the answers. */
export const allowsOrigin = (policy: CorsPolicy, origin: string): boolean => policy.anyOrigin || policy.origins.has(origin);

/** The value of Access-Control-Allow-Origin for `origin`, or undefined for none. `*` only without credentials (the
 * Fetch standard refuses `*` with them); otherwise the origin itself, and the answer varies by Origin. */
function allowOriginValue(policy: CorsPolicy, origin: string): string | undefined {
  if (policy.anyOrigin && !policy.credentials) return '*';
  return allowsOrigin(policy, origin) ? origin : undefined;
}

/** The answer's headers for any origin: the same for every call, so made once. */
const ANY_ORIGIN: readonly string[] = Object.freeze(['access-control-allow-origin', '*']);

/** Whether answers differ by Origin (then caches must know: Vary: Origin). */
const variesByOrigin = (policy: CorsPolicy) => !(policy.anyOrigin && !policy.credentials);

/**
 * The headers an actual response carries for a request from `origin` (none without an Origin), as a flat list:
 * Access-Control-Allow-Origin (and -Credentials) when the origin is allowed, Vary: Origin whenever the answer depends
 * on it.
 */
export function corsResponseHeaders(policy: CorsPolicy, origin: string | undefined): readonly string[] | undefined {
  if (origin === undefined) return undefined;
  const allow = allowOriginValue(policy, origin);
  if (allow === '*') return ANY_ORIGIN;
  const headers = ['vary', 'Origin'];
  if (allow !== undefined) {
    headers.push('access-control-allow-origin', allow);
    if (policy.credentials) headers.push('access-control-allow-credentials', 'true');
  }
  return headers;
}

/** The same, as the object form that JSON answers take. */
export function corsResponseHeaderObject(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  const list = corsResponseHeaders(policy, origin);
  const out: Record<string, string> = {};
  if (list) for (let i = 0; i < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

/**
 * Answers a preflight: 204, with the allowed methods, headers, max age (and credentials) when the origin is allowed,
 * and nothing that allows it otherwise (the browser then refuses the call; the answer names none of the allowed
 * origins).
 */
export function answerPreflight(res: ServerResponse, policy: CorsPolicy, origin: string): void {
  const allow = allowOriginValue(policy, origin);
  const headers: string[] = [];
  if (variesByOrigin(policy)) headers.push('vary', 'Origin');
  if (allow !== undefined) headers.push('access-control-allow-origin', allow, ...policy.preflight);
  res.writeHead(204, headers);
  res.end();
}
