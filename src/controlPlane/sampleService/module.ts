/**
 * The sample service, on request: `POST /api/v1/orgs/:org/projects/:project/sample-service` creates (or returns)
 * the service "Greeting Service" (greeting-service) with the endpoint `greeting`, so a new user can walk the whole
 * flow, consumer → keys → connection → a call through the gateway, without writing a service. With
 * `serve --sample-service` every new organization gets it at creation (seeding.ts).
 *
 * Its upstream is served by this control plane itself at {base}/sample-services/greeting (only with --sample-service:
 * without it the route does not exist and creating the sample is refused), so the upstream URL
 * stored in the service, like the gateway URLs, depends only on the settings and stays valid across restarts.
 */
import { randomUUID } from 'node:crypto';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { environmentsOf, findProject } from '../domain/lookups';
import { C, type ComponentRecord, type OrganizationRecord, type ProjectRecord } from '../domain/records';
import { componentView } from '../domain/views';
import { conflict, nameTaken } from '../http/errors';
import type { Router } from '../http/router';
import { UniqueViolation } from '../store/store';
import { greetingHandler } from './greetingService';

export const SAMPLE_SERVICE = {
  name: 'greeting-service',
  displayName: 'Greeting Service',
  description: 'A sample service that answers {"message":"Hello, <name>!"}. Call it through its gateway URL with ?name=…',
  endpoint: 'greeting',
};
export const SAMPLE_UPSTREAM_PATH = '/sample-services/greeting';

/** The sample service as a component of `project`, its endpoint's upstream served by this control plane. */
export function sampleServiceRecord(org: OrganizationRecord, project: ProjectRecord, environments: string[], baseUrl: string): ComponentRecord {
  const now = new Date().toISOString();
  const upstream = `${baseUrl}${SAMPLE_UPSTREAM_PATH}`;
  return {
    id: randomUUID(),
    orgId: org.id,
    orgHandle: org.handle,
    projectId: project.id,
    projectHandle: project.handle,
    name: SAMPLE_SERVICE.name,
    displayName: SAMPLE_SERVICE.displayName,
    description: SAMPLE_SERVICE.description,
    type: 'service',
    endpoints: [{ name: SAMPLE_SERVICE.endpoint, visibility: 'Project', upstreamUrls: Object.fromEntries(environments.map((e) => [e, upstream])) }],
    createdAt: now,
    updatedAt: now,
  };
}

export const sampleService: ControlPlaneModule = {
  register(router: Router, { store, baseUrl, sampleService: enabled }: ControlPlaneContext) {
    // Served only by a control plane started with --sample-service: a team server answers nothing it was not set up to.
    if (enabled) {
      const greet = greetingHandler();
      for (const path of [SAMPLE_UPSTREAM_PATH, `${SAMPLE_UPSTREAM_PATH}/*`]) {
        for (const method of ['GET', 'POST'] as const) {
          router.public(method, path, ({ req, res }) => {
            greet(req, res);
          });
        }
      }
    }

    router.api('POST', '/orgs/:org/projects/:project/sample-service', async ({ params }) => {
      const { org, project } = await findProject(store, params.org, params.project);
      if (!enabled) {
        throw conflict('This control plane was started without --sample-service, so it serves no sample service; connect to a service of your own.');
      }
      const envs = (await environmentsOf(store, org.id)).map((e) => e.handle);
      const existing = await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${SAMPLE_SERVICE.name}`);
      if (existing) {
        if (existing.type !== 'service') {
          throw nameTaken(`Project "${project.handle}" already has a component named "${SAMPLE_SERVICE.name}" that is not the sample service.`, 'name');
        }
        return { status: 200, body: componentView(existing, baseUrl, envs) };
      }
      const record = sampleServiceRecord(org, project, envs, baseUrl);
      try {
        await store.write([
          { op: 'require', collection: C.projects, id: project.id },
          { op: 'put', collection: C.components, record },
        ]);
      } catch (err) {
        if (err instanceof UniqueViolation) throw nameTaken(`Project "${project.handle}" got a "${SAMPLE_SERVICE.name}" a moment ago. Reload.`, 'name');
        throw err;
      }
      return { status: 201, body: componentView(record, baseUrl, envs) };
    });
  },
};
