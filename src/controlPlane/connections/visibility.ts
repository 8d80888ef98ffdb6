/**
 * What an endpoint's visibility admits: `Project` the consumers of the service's project, `Organization` those of its
 * organization, `Public` every consumer of this control plane, another organization's too. One rule, asked when a
 * connection is made, when an endpoint is narrowed, and again by the gateway on each call it has not seen pass
 * (defence in depth: a connection the rule no longer admits, however it came to exist, carries no call).
 */
import { visibilityAdmits, type Visibility } from '../../api/components';
import type { ComponentRecord } from '../domain/records';

type Placed = Pick<ComponentRecord, 'orgId' | 'projectId'>;

export function admits(visibility: Visibility, service: Placed, consumer: Placed): boolean {
  return visibilityAdmits(visibility, { org: service.orgId, project: service.projectId }, { org: consumer.orgId, project: consumer.projectId });
}

/** The narrowest visibility that admits the consumer (what the endpoint must be at least). */
export function neededFor(service: Placed, consumer: Placed): Visibility {
  if (service.orgId !== consumer.orgId) return 'Public';
  return service.projectId === consumer.projectId ? 'Project' : 'Organization';
}

/** Why the consumer cannot connect, and what to change: the endpoint's visibility or where the consumer lives. */
export function notVisibleMessage(
  service: Pick<ComponentRecord, 'name' | 'orgHandle' | 'projectHandle' | 'orgId' | 'projectId'>,
  endpoint: { name: string; visibility: Visibility },
  consumer: Pick<ComponentRecord, 'name' | 'orgId' | 'projectId'>,
): string {
  const where = `${service.orgHandle}/${service.projectHandle}/${service.name}`;
  const lead = `The endpoint "${endpoint.name}" of ${where} has ${endpoint.visibility} visibility`;
  if (neededFor(service, consumer) === 'Public') {
    return (
      `${lead}: only consumers in organization "${service.orgHandle}"${endpoint.visibility === 'Project' ? ` and project "${service.projectHandle}"` : ''} can connect to it. ` +
      `Ask its owners to make the endpoint Public, or create the consumer in organization "${service.orgHandle}".`
    );
  }
  return (
    `${lead}: only consumers in project "${service.projectHandle}" can connect to it. ` +
    `Make the endpoint Organization or Public, or create the consumer in project "${service.projectHandle}".`
  );
}
