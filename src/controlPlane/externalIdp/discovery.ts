/**
 * Fetches and checks an external identity provider's OIDC discovery document (its Well-Known URL).
 *
 * The URL comes from a user, so the fetch is defensive: https only (loopback excepted, for local providers and
 * tests), bounded time for connect, headers and the whole body, a size limit enforced while the body streams in,
 * and redirects followed only on the same host and never from https down to http. Which addresses it may reach, and
 * what a failed fetch says, is the one rule of ../http/outbound.ts, which the document's jwks_uri and token_endpoint
 * are checked against too.
 */
import { request, type Dispatcher } from 'undici';
import { DiscoveryDocument } from '../../api/identityProviders';
import { checkOutboundUrl, describeOutboundFailure, OPEN_POLICY, outboundDispatcher, type OutboundPolicy } from '../http/outbound';

export const WELL_KNOWN_SUFFIX = '/.well-known/openid-configuration';
const OAUTH_WELL_KNOWN = '/.well-known/oauth-authorization-server';

export interface DiscoveryOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** The whole fetch, body included: a document that trickles in slowly is refused too. */
  totalTimeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Which addresses may be fetched from (the server's rule; open by default, as on a local control plane). */
  outbound?: OutboundPolicy;
}

const DEFAULTS: Required<DiscoveryOptions> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  totalTimeoutMs: 15_000,
  maxBytes: 256 * 1024,
  maxRedirects: 3,
  outbound: OPEN_POLICY,
};

/** What the control plane keeps from a discovery document. */
export interface DiscoveredProvider {
  wellKnownUrl: string;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** The whole document (for the endpoints a sign-in needs: device authorization, revocation). */
  document: DiscoveryDocument;
}

/** Every refusal carries the management API's `discovery_failed` code and a sentence a person can act on. */
export class DiscoveryError extends Error {
  readonly code = 'discovery_failed' as const;
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function requireSafeUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DiscoveryError(`The ${what} "${raw}" is not a valid URL.`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new DiscoveryError(`The ${what} ${url.href} uses http; identity providers must be reached over https (plain http is allowed only on localhost).`);
  }
  throw new DiscoveryError(`The ${what} ${url.href} must be an https URL.`);
}

/**
 * The Well-Known URL to fetch, and the issuer it implies. A bare issuer URL gets the OIDC suffix appended.
 * OIDC Discovery 1.0 §4.3: the issuer in the document must be identical to the one the URL was built from;
 * RFC 8414 §3 puts the well-known segment between host and path instead.
 */
export function wellKnownAndIssuer(raw: string): { wellKnownUrl: URL; expectedIssuer: string } {
  const url = requireSafeUrl(raw, 'Well-Known URL');
  url.hash = '';
  const path = url.pathname;
  if (path.endsWith(WELL_KNOWN_SUFFIX)) {
    const issuerPath = path.slice(0, -WELL_KNOWN_SUFFIX.length);
    return { wellKnownUrl: url, expectedIssuer: `${url.origin}${issuerPath}` };
  }
  if (path.startsWith(OAUTH_WELL_KNOWN)) {
    return { wellKnownUrl: url, expectedIssuer: `${url.origin}${path.slice(OAUTH_WELL_KNOWN.length)}` };
  }
  if (path.includes('/.well-known/')) {
    throw new DiscoveryError(`The URL ${url.href} is not an OpenID Connect Well-Known URL: it should end in ${WELL_KNOWN_SUFFIX}.`);
  }
  const base = path.replace(/\/+$/, '');
  const wellKnownUrl = new URL(`${url.origin}${base}${WELL_KNOWN_SUFFIX}`);
  return { wellKnownUrl, expectedIssuer: `${url.origin}${base}` };
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Stops reading a body we will not use; the abort it causes is expected, not an error. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readLimited(body: Dispatcher.ResponseData['body'], maxBytes: number, url: URL, what: Fetched): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      discard(body);
      throw new DiscoveryError(
        `The ${what.name} at ${url.href} is larger than ${Math.round(maxBytes / 1024)} KiB; that is not an OpenID Connect ${what.name}.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What fetchJson fetches, for its messages. */
interface Fetched {
  name: string;
  /** What the user gave (or the provider published) to fetch it from. */
  urlName: string;
  /** What to check when it did not answer as it should. */
  check: string;
}
const DOCUMENT: Fetched = {
  name: 'discovery document',
  urlName: 'Well-Known URL',
  check: `Check the Well-Known URL (it usually ends in ${WELL_KNOWN_SUFFIX}).`,
};
const KEY_SET: Fetched = { name: 'JWKS', urlName: 'JWKS URL', check: "Check the provider's jwks_uri; refresh again once it answers." };

/** Fetches the document, following same-host redirects only, and returns its parsed JSON. */
async function fetchJson(start: URL, opts: Required<DiscoveryOptions>, signal: AbortSignal, what: Fetched = DOCUMENT): Promise<unknown> {
  let url = start;
  for (let hop = 0; ; hop++) {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        dispatcher: outboundDispatcher(opts.outbound, opts.connectTimeoutMs),
        headersTimeout: opts.headersTimeoutMs,
        bodyTimeout: opts.totalTimeoutMs,
        signal,
      });
    } catch (err) {
      throw new DiscoveryError(describeOutboundFailure(err, url, what.name));
    }
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      discard(res.body);
      if (hop >= opts.maxRedirects) {
        throw new DiscoveryError(`${start.href} redirected more than ${opts.maxRedirects} times. Use the final ${what.urlName}.`);
      }
      const next = new URL(String(res.headers.location), url);
      if (next.host !== url.host) {
        throw new DiscoveryError(
          `${url.href} redirects to another host (${next.host}); redirects to other hosts are not followed. Use the provider's own ${what.urlName}.`,
        );
      }
      if (url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new DiscoveryError(`${url.href} redirects from https to ${next.protocol}; that redirect is not followed.`);
      }
      url = next;
      continue;
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      discard(res.body);
      throw new DiscoveryError(
        `The ${what.name} at ${url.href} is larger than ${Math.round(opts.maxBytes / 1024)} KiB; that is not an OpenID Connect ${what.name}.`,
      );
    }
    if (res.statusCode !== 200) {
      discard(res.body);
      throw new DiscoveryError(`${url.href} answered HTTP ${res.statusCode}. ${what.check}`);
    }
    let text: string;
    try {
      text = await readLimited(res.body, opts.maxBytes, url, what);
    } catch (err) {
      if (err instanceof DiscoveryError) throw err;
      throw new DiscoveryError(describeOutboundFailure(err, url, what.name));
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new DiscoveryError(`${url.href} did not answer with JSON. ${what.check}`);
    }
  }
}

/** The key IDs (`kid`) of the signing keys in a provider's JWKS, sorted, read with the same limits and outbound rule
 * as the discovery document (a refresh reports which were added or removed). Keys without a `kid` count as "(none)". */
export async function readSigningKeyIds(jwksUri: string, options: DiscoveryOptions = {}): Promise<string[]> {
  const opts = { ...DEFAULTS, ...options };
  const url = requireSafeUrl(jwksUri, 'JWKS URL');
  const json = await fetchJson(url, opts, AbortSignal.timeout(opts.totalTimeoutMs), KEY_SET);
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new DiscoveryError(`${url.href} did not answer with a JSON Web Key Set (an object with "keys").`);
  const ids = keys
    .filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null && (k.use === undefined || k.use === 'sig'))
    .map((k) => (typeof k.kid === 'string' ? k.kid : '(none)'));
  return [...new Set(ids)].sort();
}

/** Fetches, validates and checks an external identity provider's discovery document. */
export async function discoverProvider(wellKnownUrl: string, options: DiscoveryOptions = {}): Promise<DiscoveredProvider> {
  const opts = { ...DEFAULTS, ...options };
  const { wellKnownUrl: url, expectedIssuer } = wellKnownAndIssuer(wellKnownUrl);
  const json = await fetchJson(url, opts, AbortSignal.timeout(opts.totalTimeoutMs));

  const parsed = DiscoveryDocument.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(document)');
    throw new DiscoveryError(
      `The discovery document at ${url.href} lacks a valid ${[...new Set(fields)].join(', ')}; the provider must publish issuer, token_endpoint and jwks_uri.`,
    );
  }
  const doc = parsed.data;
  if (!sameIssuer(doc.issuer, expectedIssuer)) {
    throw new DiscoveryError(
      `The discovery document says its issuer is ${doc.issuer}, but it was fetched for the issuer ${expectedIssuer}. ` +
        'OpenID Connect requires them to match; use the Well-Known URL of that issuer.',
    );
  }
  for (const [raw, what] of [
    [doc.token_endpoint, 'token endpoint'],
    [doc.jwks_uri, 'JWKS URL'],
  ] as const) {
    try {
      await checkOutboundUrl(requireSafeUrl(raw, what), opts.outbound);
    } catch (err) {
      if (err instanceof DiscoveryError) throw err;
      throw new DiscoveryError(`The ${what} of the discovery document: ${describeOutboundFailure(err, new URL(raw), what)}`);
    }
  }
  return { wellKnownUrl: url.href, issuer: doc.issuer, tokenEndpoint: doc.token_endpoint, jwksUri: doc.jwks_uri, document: doc };
}
