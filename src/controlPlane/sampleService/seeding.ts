/**
 * `serve --sample-service`: every organization created from then on gets the sample "Greeting Service" in its
 * default project, in the same write as the organization itself, so a new user finds a service to connect to
 * without a request of their own. The extension passes it when it starts the LOCAL control plane; a team server
 * started without it stays empty.
 */
import type { WriteOp } from '../store/store';
import { C, type OrganizationRecord, type ProjectRecord } from '../domain/records';
import { sampleServiceRecord } from './module';

/** The writes that add the sample service to a new organization's default project. */
export function sampleServiceSeedOps(org: OrganizationRecord, defaultProject: ProjectRecord, environments: string[], baseUrl: string): WriteOp[] {
  return [{ op: 'put', collection: C.components, record: sampleServiceRecord(org, defaultProject, environments, baseUrl) }];
}
