/** Add Identity Provider to an organization: name, description, Well-Known URL, the environments it applies to. */
import { z } from 'zod';
import { dnsLabel } from '../../api/common';
import { Environment } from '../../api/organizations';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { formViewType } from '../formList';
import { OrgRef } from '../../api/refs';

/** The organization the form adds a provider to. */

export const addIdentityProviderProtocol = defineProtocol({
  viewType: formViewType('addIdentityProvider'),
  toHost: toHostMessages(
    // Shapes only: the host checks the rules with the API's CreateIdentityProvider and answers field by field.
    z.strictObject({
      type: z.literal('create'),
      name: text(200),
      description: text(2000),
      wellKnownUrl: text(2000),
      /** Empty: every environment of the organization. */
      environments: z.array(dnsLabel).max(100),
      /** Empty: this gateway's own URL. */
      audiences: z.array(text(2000)).max(50),
    }),
    z.strictObject({ type: z.literal('cancel') }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({ type: z.literal('data'), orgName: text(200), environments: z.array(Environment).max(100), gatewayAudience: text(2000) }),
  ),
  state: z.strictObject({
    ref: OrgRef,
    name: text(200).optional(),
    description: text(2000).optional(),
    wellKnownUrl: text(2000).optional(),
    environments: z.array(dnsLabel).max(100).optional(),
    audiences: text(4000).optional(),
  }),
});

export type AddIdentityProviderToHost = MessageToHost<typeof addIdentityProviderProtocol>;
export type AddIdentityProviderData = DataMessage<typeof addIdentityProviderProtocol>;
export type AddIdentityProviderState = FormStateOf<typeof addIdentityProviderProtocol>;
