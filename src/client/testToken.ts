import * as l10n from '@vscode/l10n';
/**
 * Get Test Token: runs the `client_credentials` grant the way the consumer's app will (HTTP Basic client
 * authentication), then says whether the gateway would accept the token: a JWT, the right issuer, the right client.
 */

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
  // The runtime's fetch (its built-in undici), as in the control-plane client: the extension ships no HTTP client.
  let status: number;
  let text: string;
  try {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    status = res.status;
    text = await res.text();
  } catch (e) {
    const why =
      (e as { name?: string }).name === 'TimeoutError' ? 'no answer within 15 s' : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
    throw new TokenRequestError('unreachable', l10n.t`The token endpoint ${tokenUrl} cannot be reached (${why}).`);
  }
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  if (status !== 200) {
    const code = typeof json.error === 'string' ? json.error : `http_${status}`;
    const why = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    throw new TokenRequestError(code, l10n.t`The token endpoint refused the request (${status} ${code}${why}).`);
  }
  if (typeof json.access_token !== 'string') throw new TokenRequestError('bad_response', l10n.t('The token endpoint answered without an access_token.'));
  return json.access_token;
}

/** The issuer's published keys (its JWKS document), for checking the signature as the gateway will. */
export interface PublishedKeys {
  keys: Record<string, unknown>[];
}

/** Fetches a JWKS document: bounded in time and size, since the URL comes from a provider's discovery document. */
export async function fetchJwks(jwksUri: string): Promise<PublishedKeys | undefined> {
  try {
    const res = await fetch(jwksUri, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200 || Number(res.headers.get('content-length')) > 512 * 1024) {
      await res.body?.cancel();
      return undefined;
    }
    const text = await res.text();
    const doc = JSON.parse(text.length > 512 * 1024 ? '' : text) as { keys?: unknown };
    return Array.isArray(doc.keys) ? (doc as PublishedKeys) : undefined;
  } catch {
    return undefined;
  }
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Checks what the gateway checks: a JWT with an asymmetric signature, from this issuer, for this client, within its
 * validity window; with `audience`, for that audience; with `jwks`, signed by a key the issuer publishes.
 */
export async function checkAccessToken(
  token: string,
  expected: { issuer: string; clientId: string; now?: number; audience?: string; jwks?: PublishedKeys },
): Promise<TokenCheck> {
  const { decodeJwt, decodeProtectedHeader, compactVerify, createLocalJWKSet, errors } = await import('jose');
  const problems: string[] = [];
  let claims: JWTPayload | undefined;
  let header: Record<string, unknown> | undefined;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = decodeJwt(token) as JWTPayload;
  } catch {
    return {
      ok: false,
      problems: [
        l10n.t('The access token is not a JWT. Set the access token type of the app in your identity provider to JWT; the gateway only accepts JWTs.'),
      ],
    };
  }
  if (typeof header.alg !== 'string' || header.alg === 'none' || header.alg.startsWith('HS')) {
    problems.push(l10n.t`The token is signed with ${String(header.alg)}; the gateway accepts only asymmetric signatures (RS*, ES*, PS*, EdDSA).`);
  }
  if (claims.iss !== expected.issuer) problems.push(l10n.t`Issuer is ${JSON.stringify(claims.iss)}, expected ${JSON.stringify(expected.issuer)}.`);
  const clientId = claims.client_id ?? claims.azp ?? claims.sub;
  if (clientId !== expected.clientId) {
    problems.push(l10n.t`Client ID in the token (client_id/azp/sub) is ${JSON.stringify(clientId)}, expected ${JSON.stringify(expected.clientId)}.`);
  }
  const now = expected.now ?? Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && claims.exp <= now) problems.push(l10n.t('The token has already expired.'));
  if (typeof claims.nbf === 'number' && claims.nbf > now + 30) problems.push(l10n.t('The token is not valid yet (nbf is in the future). Check the clocks.'));
  if (expected.audience !== undefined) {
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(expected.audience))
      problems.push(l10n.t`The token is for audience ${JSON.stringify(aud)}, expected ${JSON.stringify(expected.audience)}.`);
  }
  if (expected.jwks && typeof header.alg === 'string' && ASYMMETRIC.includes(header.alg)) {
    try {
      await compactVerify(token, createLocalJWKSet(expected.jwks as never), { algorithms: ASYMMETRIC });
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) {
        problems.push(
          l10n.t`No published key of the issuer matches the token (kid ${JSON.stringify(header.kid)}): it was signed by a key the issuer does not publish, or one rotated out long ago.`,
        );
      } else if (e instanceof errors.JWSSignatureVerificationFailed) {
        problems.push(l10n.t('The token signature is not valid: the token was changed after it was signed.'));
      } else {
        problems.push(l10n.t`The token signature could not be checked: ${(e as Error).message}.`);
      }
    }
  }
  return { ok: problems.length === 0, problems, claims, header };
}
