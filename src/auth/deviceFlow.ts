/**
 * Signing a person in with the team's identity provider: the OAuth 2.0 Device Authorization Grant (RFC 8628), token
 * refresh (RFC 6749 §6) and revocation (RFC 7009), for the extension's public client. The control plane says which
 * provider and client (`GET /api/v1/sign-in`), so a user needs only the server's URL. No VS Code here: the
 * AuthenticationProvider (choreoAuthenticationProvider.ts) shows the code and keeps the tokens.
 */
import { SignInInfo, type Me } from '../api/members';
import { paths } from '../api/routes';
import * as l10n from '@vscode/l10n';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** The page with the code filled in, when the provider offers one (RFC 8628 §3.3.1). */
  verificationUriComplete?: string;
  expiresAt: number;
  intervalSec: number;
}

export interface SignInTokens {
  accessToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A refusal a person can act on, with a stable code. */
export class SignInError extends Error {
  constructor(
    readonly code: 'sign_in_unavailable' | 'access_denied' | 'expired' | 'cancelled' | 'provider_error',
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

const TIMEOUT_MS = 15_000;

export async function signInInfo(baseUrl: string): Promise<SignInInfo> {
  let res: Response;
  try {
    res = await fetch(baseUrl + paths.signIn(), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new SignInError('sign_in_unavailable', l10n.t`The control plane at ${baseUrl} cannot be reached: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  if (!res.ok) {
    throw new SignInError(
      'sign_in_unavailable',
      body?.error?.message ?? l10n.t`The control plane at ${baseUrl} offers no sign-in (HTTP ${res.status}). Use a personal access token.`,
    );
  }
  const parsed = SignInInfo.safeParse(body);
  if (!parsed.success) throw new SignInError('sign_in_unavailable', l10n.t`The control plane at ${baseUrl} did not say how to sign in.`);
  const { deviceAuthorizationEndpoint, tokenEndpoint, revocationEndpoint } = parsed.data;
  for (const url of [deviceAuthorizationEndpoint, tokenEndpoint, revocationEndpoint]) if (url) requireSafeUrl(url, 'endpoint');
  return parsed.data;
}

/**
 * Tokens travel to these endpoints and the verification page is opened in the browser: https only (plain http on
 * loopback, for a provider on this machine), never another scheme (a `command:` or `file:` URI from a hostile server
 * would be opened by VS Code).
 */
export function requireSafeUrl(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SignInError('provider_error', l10n.t`The identity provider's ${what} "${raw}" is not a URL.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url.href;
  throw new SignInError('provider_error', l10n.t`The identity provider's ${what} ${url.href} is not an https URL; signing in there is refused.`);
}

async function postForm(url: string, fields: Record<string, string | undefined>): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new SignInError('provider_error', l10n.t`The identity provider cannot be reached at ${new URL(url).host}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    /* not JSON: judged by the status below */
  }
  return { status: res.status, body };
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export async function startDeviceAuthorization(info: SignInInfo): Promise<DeviceAuthorization> {
  const { status, body } = await postForm(info.deviceAuthorizationEndpoint, {
    client_id: info.clientId,
    scope: info.scopes.join(' '),
    resource: info.resource,
  });
  const deviceCode = str(body.device_code);
  const userCode = str(body.user_code);
  const verificationUri = str(body.verification_uri);
  if (status !== 200 || !deviceCode || !userCode || !verificationUri) {
    throw new SignInError(
      'provider_error',
      l10n.t`The identity provider refused to start the sign-in: ${str(body.error_description) ?? str(body.error) ?? `HTTP ${status}`}.`,
    );
  }
  const complete = str(body.verification_uri_complete);
  return {
    deviceCode,
    userCode,
    verificationUri: requireSafeUrl(verificationUri, 'verification page'),
    verificationUriComplete: complete && requireSafeUrl(complete, 'verification page'),
    expiresAt: Date.now() + (Number(body.expires_in) > 0 ? Number(body.expires_in) : 600) * 1000,
    // RFC 8628 §3.2: 5 seconds when the provider says nothing.
    intervalSec: Number(body.interval) > 0 ? Number(body.interval) : 5,
  };
}

function tokensFrom(body: Record<string, unknown>, previousRefresh?: string): SignInTokens {
  const accessToken = str(body.access_token);
  if (!accessToken) throw new SignInError('provider_error', l10n.t('The identity provider answered without an access token.'));
  const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 300;
  return { accessToken, refreshToken: str(body.refresh_token) ?? previousRefresh, expiresAt: Date.now() + expiresIn * 1000 };
}

/** Polls the token endpoint until the person approved, refused, or the code expired (RFC 8628 §3.4, §3.5). */
export async function pollForTokens(info: SignInInfo, device: DeviceAuthorization, cancelled: () => boolean, sleep = defaultSleep): Promise<SignInTokens> {
  let interval = device.intervalSec;
  for (;;) {
    await sleep(interval * 1000);
    if (cancelled()) throw new SignInError('cancelled', l10n.t('The sign-in was cancelled.'));
    if (Date.now() > device.expiresAt) throw new SignInError('expired', l10n.t('The sign-in code expired before it was entered. Sign in again.'));
    const { status, body } = await postForm(info.tokenEndpoint, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: device.deviceCode,
      client_id: info.clientId,
      resource: info.resource,
    });
    if (status === 200) return tokensFrom(body);
    const error = str(body.error);
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      interval += 5;
      continue;
    }
    if (error === 'access_denied') throw new SignInError('access_denied', l10n.t("The sign-in was refused on the identity provider's page."));
    if (error === 'expired_token') throw new SignInError('expired', l10n.t('The sign-in code expired before it was entered. Sign in again.'));
    throw new SignInError('provider_error', l10n.t`The identity provider refused the sign-in: ${str(body.error_description) ?? error ?? `HTTP ${status}`}.`);
  }
}

/** New tokens for a refresh token; `expired` when the provider no longer honours it (sign in again). */
export async function refreshTokens(info: SignInInfo, refreshToken: string): Promise<SignInTokens> {
  const { status, body } = await postForm(info.tokenEndpoint, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: info.clientId,
    resource: info.resource,
  });
  if (status === 200) return tokensFrom(body, refreshToken);
  if (str(body.error) === 'invalid_grant') throw new SignInError('expired', l10n.t('Your sign-in has ended at the identity provider. Sign in again.'));
  throw new SignInError(
    'provider_error',
    l10n.t`The identity provider did not renew the sign-in: ${str(body.error_description) ?? str(body.error) ?? `HTTP ${status}`}.`,
  );
}

/** Revokes a token where the provider has a revocation endpoint; true when it said yes. */
export async function revokeToken(info: SignInInfo, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
  if (!info.revocationEndpoint) return false;
  const { status } = await postForm(info.revocationEndpoint, { token, token_type_hint: hint, client_id: info.clientId });
  return status === 200;
}

/** Who the control plane says the signed-in person is. */
export async function whoAmI(baseUrl: string, accessToken: string): Promise<Me & { user: NonNullable<Me['user']> }> {
  const res = await fetch(baseUrl + paths.me(), { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json().catch(() => ({}))) as Me & { error?: { message: string } };
  if (!res.ok || !body.user)
    throw new SignInError('provider_error', body.error?.message ?? l10n.t`The control plane did not accept the sign-in (HTTP ${res.status}).`);
  return body as Me & { user: NonNullable<Me['user']> };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
