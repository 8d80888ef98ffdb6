/** Configure authentication of one external consumer in one environment: the built-in and the external identity provider tabs. */
import { z } from 'zod';
import { AuthConfiguration } from '../../api/auth';
import { Component } from '../../api/components';
import { IdentityProvider } from '../../api/identityProviders';
import { EXPIRY, GrantType, type ExpiryName } from '../../api/keySettings';
import { Environment } from '../../api/organizations';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { EnvironmentRef } from '../../api/refs';
import { formViewType } from '../formList';

export const ConfigureTab = z.enum(['built-in', 'external']);
export type ConfigureTab = z.infer<typeof ConfigureTab>;

const EXPIRY_NAMES = Object.keys(EXPIRY) as [ExpiryName, ...ExpiryName[]];

/**
 * Key settings as the form holds them while they are edited: shapes only, and expiry times as typed. The host checks
 * the rules with the API's KeySettings and answers field by field (paths as the API's: `callbackUrls.1`,
 * `expiry.idToken`), so what was typed stays in the form, and in its saved state, until it is saved.
 */
export const KeySettingsDraft = z.strictObject({
  grantTypes: z.array(GrantType).max(GrantType.options.length),
  callbackUrls: z.array(text(2048)).max(50),
  postLogoutRedirectUrls: z.array(text(2048)).max(50),
  publicClient: z.boolean(),
  pkceRequired: z.boolean(),
  expiry: z.record(z.enum(EXPIRY_NAMES), text(20)),
});
export type KeySettingsDraft = z.infer<typeof KeySettingsDraft>;

/** The endpoints of the built-in provider's issuer an app that signs people in is configured with, as the form lists them. */
export const PROVIDER_ENDPOINTS = [
  ['Authorize', '/authorize'],
  ['Token', '/token'],
  ['Revoke', '/revoke'],
  ['UserInfo', '/userinfo'],
  ['Logout', '/logout'],
  ['Discovery', '/.well-known/openid-configuration'],
] as const;

export const configureAuthenticationProtocol = defineProtocol({
  viewType: formViewType('configureAuthentication'),
  toHost: toHostMessages(
    z.strictObject({ type: z.literal('generateKeys') }),
    z.strictObject({ type: z.literal('regenerateSecret') }),
    // Shapes only: the host checks the rules with the API's AddExternalKeys and answers field by field.
    z.strictObject({ type: z.literal('addKeys'), identityProviderId: text(200), clientId: text(300) }),
    /** Copies the secret from SecretStorage: the form never sends a secret back. */
    z.strictObject({ type: z.literal('copySecret') }),
    z.strictObject({ type: z.literal('copyClientId') }),
    z.strictObject({ type: z.literal('addIdentityProvider') }),
    z.strictObject({ type: z.literal('openOverview') }),
    z.strictObject({ type: z.literal('saveKeySettings'), settings: KeySettingsDraft }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      environment: Environment,
      authConfiguration: AuthConfiguration.nullable(),
      /** The organization's identity providers that apply to this environment. */
      identityProviders: z.array(IdentityProvider).max(200),
      /** The organization's issuer of the built-in provider (`issuerUrl`): the endpoints the form shows hang off it. */
      issuer: text(2000),
    }),
    /** Key settings were saved: the form drops its draft and shows them as the server has them now. */
    z.strictObject({ type: z.literal('keySettingsSaved') }),
    /** The new secret, shown once. The form keeps it in memory only, never in its saved state. */
    z.strictObject({
      type: z.literal('secretIssued'),
      clientId: text(300),
      clientSecret: text(1000).min(1),
      tokenUrl: text(2000),
    }),
    z.strictObject({ type: z.literal('notice'), message: text(500) }),
  ),
  state: z.strictObject({
    ref: EnvironmentRef,
    tab: ConfigureTab.optional(),
    identityProviderId: text(200).optional(),
    clientId: text(300).optional(),
    /** Key settings being edited, kept until saved. */
    keySettings: KeySettingsDraft.optional(),
  }),
});

export type ConfigureToHost = MessageToHost<typeof configureAuthenticationProtocol>;
export type ConfigureData = DataMessage<typeof configureAuthenticationProtocol>;
export type ConfigureState = FormStateOf<typeof configureAuthenticationProtocol>;
