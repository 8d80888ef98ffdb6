/**
 * Overview of a component. An external consumer's: details, Authentication Configurations per environment,
 * Connections. A service's (the Service Overview): details, its endpoints with their gateway URL and upstream URL
 * per environment (the upstream editable in place), and the consumers connected to each.
 */
import { z } from 'zod';
import { AuthConfiguration } from '../../api/auth';
import { dnsLabel, ResourceUse } from '../../api/common';
import { Component, ConnectedConsumer, Visibility } from '../../api/components';
import { Connection } from '../../api/connections';
import { Environment } from '../../api/organizations';
import { Probed } from '../createService/protocol';
import { defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';
import { ComponentRef } from '../../api/refs';
import { formViewType } from '../formList';

export const overviewProtocol = defineProtocol({
  viewType: formViewType('overview'),
  toHost: toHostMessages(
    z.strictObject({ type: z.literal('refresh') }),
    z.strictObject({ type: z.literal('configure'), environment: dnsLabel }),
    /** Generate Keys from a row with no keys: the Configure page opens and shows the new secret once. */
    z.strictObject({ type: z.literal('generateKeys'), environment: dnsLabel }),
    z.strictObject({ type: z.literal('createConnection') }),
    z.strictObject({ type: z.literal('insertSnippet'), connectionName: text(63).min(1) }),
    /** Copies a value the Overview shows (a client ID, a gateway URL). Never a secret: the Overview has none. */
    z.strictObject({ type: z.literal('copy'), text: text(2000).min(1) }),
    /** Service Overview: saves one endpoint's upstream URL in one environment (empty: removes it there). */
    z.strictObject({ type: z.literal('saveUpstream'), endpoint: dnsLabel, environment: dnsLabel, url: text(2000) }),
    /** Service Overview: replaces one endpoint's CORS setting. Checked by the use case and the server with the API's
     * rule (CorsSetting), whose problems land under the fields; only the message's shape is checked here. */
    z.strictObject({
      type: z.literal('saveCors'),
      endpoint: dnsLabel,
      cors: z.strictObject({
        allowOrigins: z.array(text(300)).max(100),
        allowMethods: z.array(text(20)).max(20),
        allowHeaders: z.array(text(100)).max(100),
        allowCredentials: z.boolean(),
        maxAge: z.number(),
      }),
    }),
    /** Service Overview: changes one endpoint's visibility (a narrowing that would refuse connected consumers is refused). */
    z.strictObject({ type: z.literal('saveVisibility'), endpoint: dnsLabel, visibility: Visibility }),
    /** Service Overview: opens the Overview of a consumer it lists as connected, or one a refusal named. */
    z.strictObject({ type: z.literal('openConsumer'), consumer: ComponentRef }),
    /** Service Overview: Revoke Connection of a consumer it lists (after a modal confirmation naming it). */
    z.strictObject({ type: z.literal('revokeConnection'), connectionId: text(64).min(1) }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      environments: z.array(Environment).max(100),
      authConfigurations: z.array(AuthConfiguration).max(100),
      connections: z.array(Connection).max(1000),
      /** A service's connected consumers; absent for an external consumer, or when they could not be read. */
      connectedConsumers: z.array(ConnectedConsumer).max(5000).optional(),
      /** Why the connected consumers could not be read (the rest of the page still shows). */
      connectedConsumersError: text(1000).optional(),
    }),
    /** Whether an upstream URL answered from this machine (sent after `data`, one per URL). */
    Probed,
    /** A field of the Service Overview was saved: the form says so beside it. */
    z.strictObject({ type: z.literal('saved'), field: text(200) }),
    /** A change refused because of who uses it (`in_use`): the message once, and each consumer named, to link to. */
    z.strictObject({ type: z.literal('refused'), field: text(200), code: text(100), message: text(2000), uses: z.array(ResourceUse).max(1000) }),
  ),
  state: z.strictObject({ ref: ComponentRef }),
});

export type OverviewToHost = MessageToHost<typeof overviewProtocol>;
export type OverviewData = DataMessage<typeof overviewProtocol>;
export type OverviewState = FormStateOf<typeof overviewProtocol>;

/** The Service Overview's field for one endpoint's upstream URL in one environment. */
export function upstreamFieldId(endpoint: string, environment: string): string {
  return `upstream-${endpoint}-${environment}`;
}

/** The Service Overview's field for one endpoint's visibility. */
export function visibilityFieldId(endpoint: string): string {
  return `visibility-${endpoint}`;
}

/** The parts of an endpoint's CORS setting the Service Overview edits, each a field. */
export const CORS_FIELDS = ['allowOrigins', 'allowMethods', 'allowHeaders', 'allowCredentials', 'maxAge'] as const;
export type CorsField = (typeof CORS_FIELDS)[number];

/** The Service Overview's field for one part of an endpoint's CORS setting; without a part, the setting as a whole
 * (where "Saved" shows). */
export function corsFieldId(endpoint: string, part?: CorsField): string {
  return part === undefined ? `cors-${endpoint}` : `cors-${endpoint}-${part}`;
}
