/** An identity provider's overview: issuer, endpoints, audiences, environments, the consumers using it; Refresh, Delete. */
import { z } from 'zod';
import { IdentityProvider } from '../../api/identityProviders';
import { Environment } from '../../api/organizations';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { formViewType } from '../formList';
import { IdentityProviderRef } from '../../api/refs';

/** The provider a panel is about: its organization and its id. */

export const identityProviderProtocol = defineProtocol({
  viewType: formViewType('identityProvider'),
  toHost: toHostMessages(
    /** Reads the provider again from the control plane (what the server has now). */
    z.strictObject({ type: z.literal('reload') }),
    /** Refresh: the control plane re-reads the provider's Well-Known URL and keys. */
    z.strictObject({ type: z.literal('refresh') }),
    z.strictObject({ type: z.literal('delete') }),
    /** Opens the Overview of a consumer the page lists as using the provider (by its place in that list). */
    z.strictObject({ type: z.literal('openConsumer'), index: z.number().int().min(0).max(10_000) }),
    /** Copies a value the page shows (an issuer, an endpoint URL). */
    z.strictObject({ type: z.literal('copy'), text: text(2000).min(1) }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      provider: IdentityProvider,
      environments: z.array(Environment).max(100),
      /** After a Refresh from this page: what changed, a line each ("Token endpoint: a → b"); empty: nothing. */
      refreshed: z.array(text(4000)).max(10).optional(),
    }),
  ),
  state: z.strictObject({ ref: IdentityProviderRef }),
});

export type IdentityProviderToHost = MessageToHost<typeof identityProviderProtocol>;
export type IdentityProviderData = DataMessage<typeof identityProviderProtocol>;
export type IdentityProviderState = FormStateOf<typeof identityProviderProtocol>;
