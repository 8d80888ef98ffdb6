/** Configure authentication of one external consumer in one environment: the built-in and the external identity provider tabs. */
import { z } from 'zod';
import { AuthConfiguration } from '../../api/auth';
import { Component } from '../../api/components';
import { IdentityProvider } from '../../api/identityProviders';
import { Environment } from '../../api/organizations';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { EnvironmentRef } from '../../api/refs';
import { formViewType } from '../formList';


export const ConfigureTab = z.enum(['built-in', 'external']);
export type ConfigureTab = z.infer<typeof ConfigureTab>;

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
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      environment: Environment,
      authConfiguration: AuthConfiguration.nullable(),
      /** The organization's identity providers that apply to this environment. */
      identityProviders: z.array(IdentityProvider).max(200),
    }),
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
  }),
});

export type ConfigureToHost = MessageToHost<typeof configureAuthenticationProtocol>;
export type ConfigureData = DataMessage<typeof configureAuthenticationProtocol>;
export type ConfigureState = FormStateOf<typeof configureAuthenticationProtocol>;
