/** An organization with a web app whose keys sign people in, and a test user, on a real control plane. */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_KEY_SETTINGS, IssuedKeys, paths, type KeySettings } from '../../../src/api';
import type { ControlPlane } from '../helpers/controlPlane';
import { SignInBrowser } from './signInBrowser';

export const ORG = 'stark-industries';
export const ENV = 'development';
export const CALLBACK = 'https://app.example.com/callback';
export const NATIVE_CALLBACK = 'http://127.0.0.1/callback';
export const SIGNED_OUT = 'https://app.example.com/signed-out';
export const ANN = {
  username: 'ann',
  password: 'correct horse battery',
  groups: ['engineering', 'managers'],
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'ann@example.com',
};

export const WEB_APP: KeySettings = {
  ...DEFAULT_KEY_SETTINGS,
  grantTypes: ['authorization_code', 'refresh_token'],
  callbackUrls: [CALLBACK, NATIVE_CALLBACK],
  postLogoutRedirectUrls: [SIGNED_OUT],
  publicClient: true,
};

/** A consumer named `name` with built-in keys and these key settings; answers its keys. */
export async function appWith(cp: ControlPlane, name: string, settings: KeySettings, org = ORG, displayName = name): Promise<IssuedKeys> {
  const created = await cp.call('POST', paths.components(org, 'default'), { displayName, name, type: 'external-consumer' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const keys = IssuedKeys.parse((await cp.call('POST', `${paths.authFor(org, 'default', name, ENV)}/generate-keys`)).body);
  const put = await cp.call('PUT', paths.keySettings(org, 'default', name, ENV), settings);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  return keys;
}

export async function organizationWithUser(cp: ControlPlane): Promise<void> {
  const org = await cp.call('POST', paths.orgs(), { name: 'Stark Industries' });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const user = await cp.call('POST', paths.testUsers(ORG, ENV), ANN);
  assert.equal(user.status, 201, JSON.stringify(user.body));
}

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * `user` signs in to a public client of `org` at `baseUrl` (the authorization endpoint, the sign-in page, the code
 * redeemed with its PKCE verifier at CALLBACK): the tokens.
 */
export async function signedInTokens(
  baseUrl: string,
  clientId: string,
  o: { org?: string; user?: { username: string; password: string }; browser?: SignInBrowser } = {},
): Promise<{ access_token: string; id_token: string; refresh_token?: string }> {
  const issuer = `${baseUrl}/oauth2/${o.org ?? ORG}`;
  const { verifier, challenge } = pkce();
  const url = new URL(`${issuer}/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(k, v);
  const user = o.user ?? ANN;
  const answer = await (o.browser ?? new SignInBrowser()).signIn(url.href, user.username, user.password);
  assert.equal(answer.status, 303, answer.body);
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code: new URL(answer.location!).searchParams.get('code')!,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    }),
  });
  const tokens = (await res.json()) as { access_token: string; id_token: string; refresh_token?: string };
  assert.equal(res.status, 200, JSON.stringify(tokens));
  return tokens;
}
