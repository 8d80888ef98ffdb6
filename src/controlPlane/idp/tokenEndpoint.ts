/**
 * The built-in identity provider's token endpoint: `client_credentials` with `client_secret_basic` or
 * `client_secret_post`, answering RFC 9068 JWT access tokens signed ES256. The grants that sign people in
 * (`authorization_code`, `refresh_token`) go to the authorization server (idp/authorizationServer.ts), off this path.
 *
 * This is the hot path of the control plane (every external consumer asks here before calling a service), so it is
 * served before the router: callback-based body reading, a synchronous client lookup, a JWS header computed once per
 * key, the payload built as a string, one node:crypto signature. Errors follow RFC 6749 §5.2.
 */
import { randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gatewayAudience, issuerUrl } from '../../api/routes';
import { StoreUnavailable } from '../store/store';
import { clientSecretMatches } from './clientSecret';
import { ClientThrottle } from './clientThrottle';
import { SigningKeys } from './signingKeys';

/** What the token endpoint needs to know about a client of the built-in provider. */
export interface BuiltInClient {
  clientId: string;
  orgHandle: string;
  secretHash: string;
  /** When its secret was regenerated (ms since the epoch), if ever: its tokens carry it as `secret_version`, and the
   * gateway refuses tokens of an older secret (gateway/access.ts). */
  secretVersion?: number;
  /** Its key settings allow client_credentials (not a public client, the grant chosen; api/keySettings.ts). */
  clientCredentials: boolean;
  /** Seconds an application access token lives (the key settings' expiry time). */
  tokenLifetimeSec: number;
}

/** The grants other than client_credentials: the authorization server answers them (the token response's JSON). */
export type UserGrants = (req: IncomingMessage, params: URLSearchParams, org: string) => Promise<string>;

/** Synchronous when the store holds its data in memory (the file store); a remote store may answer a promise. */
export type ClientLookup = (clientId: string) => BuiltInClient | undefined | Promise<BuiltInClient | undefined>;

const MAX_TOKEN_REQUEST_BYTES = 8 * 1024;
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). It also keeps the payload safe to build as a string. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** The scope of a token whose request named none, as WSO2's gateways do. */
export const DEFAULT_SCOPE = 'default';
const MAX_SCOPES = 32;
const COMMON_BODY = new URLSearchParams('grant_type=client_credentials');

const JSON_HEADERS = ['content-type', 'application/json;charset=UTF-8', 'cache-control', 'no-store', 'pragma', 'no-cache'];

export class OAuthError {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly basicChallenge = false,
    /** Seconds, for 429 answers. */
    readonly retryAfter?: number,
  ) {}
}

export class TokenEndpoint {
  /** Per organization: the constant start of the payload ({"iss":…,"aud":…,). */
  private readonly payloadHeads = new Map<string, string>();
  private readonly audience: string;

  constructor(
    private readonly baseUrl: string,
    private readonly keys: SigningKeys,
    private readonly lookup: ClientLookup,
    private readonly throttle = new ClientThrottle(),
    private readonly userGrants?: UserGrants,
  ) {
    this.audience = gatewayAudience(baseUrl);
  }

  /** The org handle if this is a token endpoint URL (/oauth2/{org}/token), else undefined. */
  static match(url: string): string | undefined {
    if (!url.startsWith('/oauth2/')) return undefined;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!path.endsWith('/token')) return undefined;
    const org = path.slice(8, -6);
    if (org.length === 0 || org.includes('/')) return undefined;
    try {
      return decodeURIComponent(org);
    } catch {
      return undefined; // Bad percent-encoding: not a token URL of ours; the router answers 404.
    }
  }

  handle(req: IncomingMessage, res: ServerResponse, org: string): void {
    if (req.method !== 'POST') {
      res.writeHead(405, ['allow', 'POST', ...JSON_HEADERS]);
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'Use POST for the token endpoint.' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_TOKEN_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        this.fail(res, new OAuthError(413, 'invalid_request', 'The token request is too large.'));
        return;
      }
      try {
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const result = this.issue(req, body, org);
        if (result instanceof Promise)
          result.then(
            (text) => this.ok(res, text),
            (err) => this.fail(res, err),
          );
        else this.ok(res, result);
      } catch (err) {
        this.fail(res, err);
      }
    });
  }

  private issue(req: IncomingMessage, body: Buffer, org: string): string | Promise<string> {
    const type = req.headers['content-type'];
    if (!type || !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
      throw new OAuthError(400, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded.');
    }
    const text = body.toString('latin1');
    // The body every client_secret_basic client sends; spares the general parser on the hot path.
    const params = text === 'grant_type=client_credentials' ? COMMON_BODY : new URLSearchParams(text);
    if (params !== COMMON_BODY) {
      for (const name of ['grant_type', 'scope', 'client_id', 'client_secret']) {
        if (params.getAll(name).length > 1) throw new OAuthError(400, 'invalid_request', `The parameter ${name} appears more than once.`);
      }
      const grant = params.get('grant_type');
      if (this.userGrants && (grant === 'authorization_code' || grant === 'refresh_token')) return this.userGrants(req, params, org);
    }
    const { clientId, secret } = clientCredentials(req.headers.authorization, params);
    const client = this.lookup(clientId);
    if (client instanceof Promise) return client.then((c) => this.tokenFor(c, clientId, secret, params, org));
    return this.tokenFor(client, clientId, secret, params, org);
  }

  private tokenFor(client: BuiltInClient | undefined, clientId: string, secret: string, params: URLSearchParams, org: string): string {
    if (!client || client.orgHandle !== org) throw badClient();
    // The right secret always gets its token: client IDs are not secret, so anyone (a web page's form POST too) can
    // send wrong secrets for one, and those must not lock its owner out. Only wrong secrets are slowed down.
    if (!clientSecretMatches(secret, client.secretHash)) {
      const now = Date.now();
      const waitMs = this.throttle.retryAfterMs(clientId, now);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new OAuthError(429, 'slow_down', `Too many failed client authentications for this client ID; try again in ${seconds} s.`, false, seconds);
      }
      this.throttle.failed(clientId, now);
      throw badClient();
    }
    const grant = params.get('grant_type');
    if (!grant) throw new OAuthError(400, 'invalid_request', 'The grant_type parameter is missing; use client_credentials.');
    if (grant !== 'client_credentials') {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `The built-in identity provider supports client_credentials, authorization_code and refresh_token, not ${grant}.`,
      );
    }
    if (!client.clientCredentials) {
      throw new OAuthError(
        400,
        'unauthorized_client',
        'The key settings of this client do not allow Client Credentials (a public client has no secret to use it with).',
      );
    }
    const scope = scopeOf(params.get('scope'));

    let head = this.payloadHeads.get(org);
    if (head === undefined) {
      head = `{"iss":${JSON.stringify(issuerUrl(this.baseUrl, org))},"aud":${JSON.stringify(this.audience)},`;
      this.payloadHeads.set(org, head);
    }
    const iat = Math.floor(Date.now() / 1000);
    // clientId, scope and the UUID are URL-safe / NQCHAR-checked strings: no JSON escaping needed.
    const version = client.secretVersion === undefined ? '' : `,"secret_version":${client.secretVersion}`;
    const payload = `${head}"sub":"${clientId}","client_id":"${clientId}","iat":${iat},"exp":${iat + client.tokenLifetimeSec},"jti":"${randomUUID()}","scope":"${scope}"${version}}`;
    const key = this.keys.active;
    const signingInput = `${key.headerB64}.${Buffer.from(payload).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(signingInput, 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' });
    return `{"access_token":"${signingInput}.${signature.toString('base64url')}","token_type":"Bearer","expires_in":${client.tokenLifetimeSec},"scope":"${scope}"}`;
  }

  private ok(res: ServerResponse, text: string): void {
    // The answer is ASCII, so its length is its byte length; a known length spares chunked encoding.
    res.writeHead(200, [...JSON_HEADERS, 'content-length', String(text.length)]);
    res.end(text);
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof StoreUnavailable) {
      // A client not in memory while the database is away (RFC 6749 has no code for it; 503 with Retry-After).
      err = new OAuthError(
        503,
        'temporarily_unavailable',
        'The token endpoint cannot look this client up right now; try again shortly.',
        false,
        err.retryAfter,
      );
    }
    if (!(err instanceof OAuthError)) {
      console.error('control plane: token endpoint failed:', err);
      err = new OAuthError(500, 'server_error', 'The token endpoint failed; try again.');
    }
    const e = err as OAuthError;
    const headers = [...JSON_HEADERS];
    if (e.basicChallenge) headers.push('www-authenticate', 'Basic realm="choreo", charset="UTF-8"');
    if (e.status === 413) headers.push('connection', 'close');
    if (e.retryAfter !== undefined) headers.push('retry-after', String(e.retryAfter));
    res.writeHead(e.status, headers);
    res.end(JSON.stringify({ error: e.error, error_description: e.description }));
  }
}

export const badClient = () =>
  new OAuthError(401, 'invalid_client', 'Client authentication failed: unknown client, wrong secret, or a client of another organization.', true);

/** client_secret_basic (RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic) or client_secret_post. */
export function clientCredentials(authorization: string | undefined, params: URLSearchParams): { clientId: string; secret: string } {
  const postId = params.get('client_id');
  const postSecret = params.get('client_secret');
  if (authorization !== undefined && authorization.length > 6 && authorization.slice(0, 6).toLowerCase() === 'basic ') {
    if (postSecret !== null) {
      throw new OAuthError(400, 'invalid_request', 'Authenticate the client one way only: the Authorization header or client_secret in the body.');
    }
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new OAuthError(401, 'invalid_client', 'The Basic credentials are malformed: send base64(client_id:client_secret).', true);
    const clientId = formDecode(decoded.slice(0, colon));
    if (postId !== null && postId !== clientId) {
      throw new OAuthError(400, 'invalid_request', 'client_id in the body differs from the one in the Authorization header.');
    }
    return { clientId, secret: formDecode(decoded.slice(colon + 1)) };
  }
  if (postId === null || postSecret === null) {
    throw new OAuthError(401, 'invalid_client', 'Authenticate the client: HTTP Basic with client_id and client_secret, or both in the body.', true);
  }
  return { clientId: postId, secret: postSecret };
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError(401, 'invalid_client', 'The Basic credentials are not properly form-encoded.', true);
  }
}

function scopeOf(requested: string | null): string {
  if (requested === null) return DEFAULT_SCOPE;
  const tokens = requested.split(' ').filter((t) => t.length > 0);
  if (tokens.length === 0) return DEFAULT_SCOPE;
  if (tokens.length > MAX_SCOPES) throw new OAuthError(400, 'invalid_scope', `Request at most ${MAX_SCOPES} scopes.`);
  for (const t of tokens) {
    if (!SCOPE_TOKEN.test(t)) throw new OAuthError(400, 'invalid_scope', `The scope "${t.slice(0, 40)}" has characters a scope cannot have.`);
  }
  return [...new Set(tokens)].join(' ');
}
