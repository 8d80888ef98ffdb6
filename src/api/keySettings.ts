/**
 * The key settings of the built-in identity provider's keys, per external consumer and environment (Choreo's
 * "Keys for apps that sign people in"): which grants the keys may use, where a sign-in may return to, whether the
 * app keeps a secret, and how long each token lives. One declaration: the server validates with it, the Configure
 * form is built from it, the extension's client checks answers with it.
 */
import { z } from 'zod';
import { checkedText } from './common';

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
export const GrantType = z.enum(GRANT_TYPES);
export type GrantType = z.infer<typeof GrantType>;
/** Choreo's words for each grant, as the Configure form shows them. */
export const GRANT_TYPE_LABELS: Readonly<Record<GrantType, string>> = {
  client_credentials: 'Client Credentials',
  authorization_code: 'Authorization Code',
  refresh_token: 'Refresh Token',
};

/** Expiry times in seconds: the default and the bounds of each (Choreo's defaults). */
export const EXPIRY = {
  applicationAccessToken: { label: 'Application access token expiry time', default: 3600, min: 60, max: 86_400 },
  userAccessToken: { label: 'User access token expiry time', default: 3600, min: 60, max: 86_400 },
  refreshToken: { label: 'Refresh token expiry time', default: 86_400, min: 300, max: 2_592_000 },
  idToken: { label: 'ID token expiry time', default: 3600, min: 60, max: 86_400 },
} as const;
export type ExpiryName = keyof typeof EXPIRY;

function seconds(name: ExpiryName) {
  const { label, min, max } = EXPIRY[name];
  return z.number().int(`${label}: enter whole seconds.`).min(min, `${label}: at least ${min} seconds.`).max(max, `${label}: at most ${max} seconds.`);
}

/**
 * A callback (redirect) URL: https; http only on a loopback host (RFC 8252 §7.3: any port of 127.0.0.1 or [::1]
 * matches, and localhost for web apps in development); or a private-use scheme of a native app in reverse-domain
 * form (`com.stark.app:/callback`, RFC 8252 §7.1). No fragment. Matched exactly otherwise.
 */
export const callbackUrl = checkedText(
  { empty: 'Enter a callback URL.', max: 2048, tooLong: 'A callback URL has at most 2048 characters.' },
  callbackUrlProblem,
);

export function callbackUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not a URL: enter one such as https://app.example.com/callback or com.example.app:/callback.`;
  }
  if (url.hash || value.includes('#')) return 'A callback URL has no fragment (#…).';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) ? undefined : 'Use https, or http only on 127.0.0.1, [::1] or localhost.';
  }
  const scheme = url.protocol.slice(0, -1);
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/.test(scheme) && !['javascript', 'data', 'file', 'vbscript'].includes(scheme)) return undefined;
  return 'A private-use scheme is written in reverse-domain form, such as com.example.app:/callback.';
}

export const KeySettings = z
  .strictObject({
    grantTypes: z.array(GrantType).min(1, 'Choose at least one grant type.'),
    callbackUrls: z.array(callbackUrl).max(20, 'Use at most 20 callback URLs.'),
    /** Where RP-initiated logout may send the browser back to (matched exactly, as callback URLs). */
    postLogoutRedirectUrls: z.array(callbackUrl).max(20, 'Use at most 20 logout URLs.').default([]),
    /** "Allow authentication without the client secret": a browser or native app that keeps no secret. */
    publicClient: z.boolean(),
    /** PKCE (S256 only, RFC 9700) is mandatory for every authorization code; a public client cannot turn it off. */
    pkceRequired: z.boolean(),
    expiry: z.strictObject({
      applicationAccessToken: seconds('applicationAccessToken'),
      userAccessToken: seconds('userAccessToken'),
      refreshToken: seconds('refreshToken'),
      idToken: seconds('idToken'),
    }),
  })
  .superRefine((s, ctx) => {
    const has = (g: GrantType) => s.grantTypes.includes(g);
    if (has('authorization_code') && s.callbackUrls.length === 0)
      ctx.addIssue({ code: 'custom', path: ['callbackUrls'], message: 'Authorization Code needs at least one callback URL.' });
    if (has('refresh_token') && !has('authorization_code'))
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'Refresh Token goes with Authorization Code.' });
    if (s.publicClient && has('client_credentials'))
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'A public client has no secret, so it cannot use Client Credentials.' });
    if (s.publicClient && !s.pkceRequired) ctx.addIssue({ code: 'custom', path: ['pkceRequired'], message: 'A public client must use PKCE.' });
  });
export type KeySettings = z.infer<typeof KeySettings>;
export type KeySettingsInput = z.input<typeof KeySettings>;

/** What keys get when nobody changed their settings: existing keys keep working exactly as before. */
export const DEFAULT_KEY_SETTINGS: KeySettings = {
  grantTypes: ['client_credentials'],
  callbackUrls: [],
  postLogoutRedirectUrls: [],
  publicClient: false,
  pkceRequired: true,
  expiry: {
    applicationAccessToken: EXPIRY.applicationAccessToken.default,
    userAccessToken: EXPIRY.userAccessToken.default,
    refreshToken: EXPIRY.refreshToken.default,
    idToken: EXPIRY.idToken.default,
  },
};
