/** Overview of a component: details, Authentication Configurations per environment, Connections, endpoints. */
import { z } from 'zod';
import { AuthConfiguration } from '../../api/auth';
import { dnsLabel } from '../../api/common';
import { Component } from '../../api/components';
import { Connection } from '../../api/connections';
import { Environment } from '../../api/organizations';
import { Busy, ComponentRef, defineProtocol, FormError, Ready, text } from '../ipc';

export const overviewProtocol = defineProtocol({
  viewType: 'choreo.overview',
  toHost: z.discriminatedUnion('type', [
    Ready,
    z.strictObject({ type: z.literal('refresh') }),
    z.strictObject({ type: z.literal('configure'), environment: dnsLabel }),
    z.strictObject({ type: z.literal('createConnection') }),
    z.strictObject({ type: z.literal('insertSnippet'), connectionName: text(63).min(1) }),
    /** Copies a value the Overview shows (a client ID, a gateway URL). Never a secret: the Overview has none. */
    z.strictObject({ type: z.literal('copy'), text: text(2000).min(1) }),
  ]),
  toWebview: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('data'),
      component: Component,
      environments: z.array(Environment).max(100),
      authConfigurations: z.array(AuthConfiguration).max(100),
      connections: z.array(Connection).max(1000),
    }),
    Busy,
    FormError,
  ]),
  state: z.strictObject({ ref: ComponentRef }),
});

export type OverviewToHost = z.infer<typeof overviewProtocol.toHost>;
export type OverviewToWebview = z.infer<typeof overviewProtocol.toWebview>;
export type OverviewData = Extract<OverviewToWebview, { type: 'data' }>;
export type OverviewState = z.infer<typeof overviewProtocol.state>;
