/** Overview of a component: details, Authentication Configurations per environment, Connections, endpoints. */
import { z } from 'zod';
import { AuthConfiguration } from '../../api/auth';
import { dnsLabel } from '../../api/common';
import { Component } from '../../api/components';
import { Connection } from '../../api/connections';
import { Environment } from '../../api/organizations';
import { ComponentRef, defineProtocol, text, toHostMessages, toWebviewMessages, type DataMessage, type FormStateOf, type MessageToHost } from '../ipc';

export const overviewProtocol = defineProtocol({
  viewType: 'choreo.overview',
  toHost: toHostMessages(
    z.strictObject({ type: z.literal('refresh') }),
    z.strictObject({ type: z.literal('configure'), environment: dnsLabel }),
    /** Generate Keys from a row with no keys: the Configure page opens and shows the new secret once. */
    z.strictObject({ type: z.literal('generateKeys'), environment: dnsLabel }),
    z.strictObject({ type: z.literal('createConnection') }),
    z.strictObject({ type: z.literal('insertSnippet'), connectionName: text(63).min(1) }),
    /** Copies a value the Overview shows (a client ID, a gateway URL). Never a secret: the Overview has none. */
    z.strictObject({ type: z.literal('copy'), text: text(2000).min(1) }),
  ),
  toWebview: toWebviewMessages(
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      environments: z.array(Environment).max(100),
      authConfigurations: z.array(AuthConfiguration).max(100),
      connections: z.array(Connection).max(1000),
    }),
  ),
  state: z.strictObject({ ref: ComponentRef }),
});

export type OverviewToHost = MessageToHost<typeof overviewProtocol>;
export type OverviewData = DataMessage<typeof overviewProtocol>;
export type OverviewState = FormStateOf<typeof overviewProtocol>;
