/** Create Connection from an external consumer: pick a service (searchable), an endpoint, a name; then Insert Snippet. */
import { z } from 'zod';
import { dnsLabel } from '../../api/common';
import { Component } from '../../api/components';
import { Connection } from '../../api/connections';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { ComponentRef } from '../../api/refs';
import { formViewType } from '../formList';

export const ServiceChoice = z.strictObject({
  projectHandle: dnsLabel,
  projectName: text(200),
  service: Component,
});
export type ServiceChoice = z.infer<typeof ServiceChoice>;

/** The most services the picker offers (the host reads that many, page after page). */
export const MAX_SERVICES = 5000;

export const createConnectionProtocol = defineProtocol({
  viewType: formViewType('createConnection'),
  toHost: toHostMessages(
    // Shapes only: the host checks the rules with the API's CreateConnection and answers field by field.
    z.strictObject({
      type: z.literal('create'),
      name: text(100),
      serviceProjectHandle: text(100),
      serviceComponentName: text(100),
      endpointName: text(100),
    }),
    z.strictObject({ type: z.literal('insertSnippet'), connectionName: text(63).min(1) }),
    z.strictObject({ type: z.literal('openOverview') }),
    /** The Overview of a service offered in the picker (to change its endpoint's visibility). */
    z.strictObject({ type: z.literal('openService'), projectHandle: dnsLabel, componentName: dnsLabel }),
    /** No service to connect to yet: Create Service in the consumer's project. */
    z.strictObject({ type: z.literal('createService') }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      services: z.array(ServiceChoice).max(MAX_SERVICES),
      /** A name to start with when the user has typed none (the editor's quick fix). */
      suggestedName: text(63).optional(),
    }),
    z.strictObject({ type: z.literal('created'), connection: Connection }),
  ),
  state: z.strictObject({
    ref: ComponentRef,
    /** `<project>/<service>` of the picked service. */
    service: text(200).optional(),
    endpointName: text(100).optional(),
    name: text(100).optional(),
    /** After Create, the form offers Insert Snippet for this connection, also after a reload. */
    createdConnection: text(63).optional(),
  }),
});

export type CreateConnectionToHost = MessageToHost<typeof createConnectionProtocol>;
export type CreateConnectionData = DataMessage<typeof createConnectionProtocol>;
export type CreateConnectionState = FormStateOf<typeof createConnectionProtocol>;
