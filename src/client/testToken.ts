/**
 * Get Test Token: runs the `client_credentials` grant the way the consumer's app will (HTTP Basic client
 * authentication), then says whether the gateway would accept the token: a JWT, the right issuer, the right client.
 */
import { request } from 'undici';

/** The claims of a decoded JWT (jose's JWTPayload; jose is ESM-only, so it is imported where used). */
export type JWTPayload = Record<string, unknown> & { iss?: string; sub?: string; exp?: number; client_id?: string; azp?: string };

export interface TokenCheck {
  ok: boolean;
  /** What is wrong, one sentence each; empty when ok. */
  problems: string[];
  claims?: JWTPayload;
  header?: Record<string, unknown>;
}

export class TokenRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic. */
function basic(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

export async function requestClientCredentialsToken(tokenUrl: string, clientId: string, clientSecret: string): Promise<string> {
  let res;
  try {
    res = await request(tokenUrl, {
      method: 'POST',
      headers: { authorization: basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
  } catch (e) {
    throw new TokenRequestError('unreachable', `The token endpoint ${tokenUrl} cannot be reached (${(e as Error).message}).`);
  }
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  if (res.statusCode !== 200) {
    const code = typeof json.error === 'string' ? json.error : `http_${res.statusCode}`;
    const why = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    throw new TokenRequestError(code, `The token endpoint refused the request (${res.statusCode} ${code}${why}).`);
  }
  if (typeof json.access_token !== 'string') throw new TokenRequestError('bad_response', 'The token endpoint answered without an access_token.');
  return json.access_token;
}

/** Checks what the gateway checks before it verifies the signature: a JWT, from this issuer, for this client, not expired. */
export async function checkAccessToken(token: string, expected: { issuer: string; clientId: string; now?: number }): Promise<TokenCheck> {
  const { decodeJwt, decodeProtectedHeader } = await import('jose');
  const problems: string[] = [];
  let claims: JWTPayload | undefined;
  let header: Record<string, unknown> | undefined;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = decodeJwt(token) as JWTPayload;
  } catch {
    return {
      ok: false,
      problems: ['The access token is not a JWT. Set the access token type of the app in your identity provider to JWT; the gateway only accepts JWTs.'],
    };
  }
  if (typeof header.alg !== 'string' || header.alg === 'none' || header.alg.startsWith('HS')) {
    problems.push(`The token is signed with ${String(header.alg)}; the gateway accepts only asymmetric signatures (RS*, ES*, PS*, EdDSA).`);
  }
  if (claims.iss !== expected.issuer) problems.push(`Issuer is ${JSON.stringify(claims.iss)}, expected ${JSON.stringify(expected.issuer)}.`);
  const clientId = claims.client_id ?? claims.azp ?? claims.sub;
  if (clientId !== expected.clientId) {
    problems.push(`Client ID in the token (client_id/azp/sub) is ${JSON.stringify(clientId)}, expected ${JSON.stringify(expected.clientId)}.`);
  }
  const now = expected.now ?? Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && claims.exp <= now) problems.push('The token has already expired.');
  return { ok: problems.length === 0, problems, claims, header };
}
