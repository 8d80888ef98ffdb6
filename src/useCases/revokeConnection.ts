/** Revoke Connection: what the confirmation says before an Admin cuts a consumer off a service (issue 22, row 6). */
import type { ConnectedConsumer } from '../api';
import * as l10n from '@vscode/l10n';

/** Names the consumer, its organization and project, the connection and what follows: asked before revoking. */
export function revokeConfirmation(c: ConnectedConsumer, service: { orgHandle: string; name: string }): string {
  const where =
    c.consumer.orgHandle === service.orgHandle
      ? `project ${c.consumer.projectHandle}`
      : `organization ${c.consumer.orgHandle}, project ${c.consumer.projectHandle}`;
  return (
    l10n.t`Revoke the connection "${c.connectionName}" of ${c.consumer.displayName || c.consumer.name} (${where}) to ${service.name}/${c.endpointName}? ` +
    l10n.t`Its calls through the gateway are refused from now on; its owners see on the connection that ${service.orgHandle} revoked it, and when. ` +
    l10n.t('It cannot be undone: they can create a new connection if the endpoint still admits them.')
  );
}
