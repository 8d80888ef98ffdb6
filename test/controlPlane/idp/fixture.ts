/** An organization with a web app whose keys sign people in, and a test user, on a real control plane. */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_KEY_SETTINGS, IssuedKeys, paths, type KeySettings } from '../../../src/api';
import type { ControlPlane } from '../helpers/controlPlane';

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
