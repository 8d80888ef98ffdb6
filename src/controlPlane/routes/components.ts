/** Components of a project: external consumers and services (with endpoints). */
import { randomUUID } from 'node:crypto';
import { ListQuery } from '../../api/common';
import { ComponentType, CreateComponent, EndpointInput, UpdateComponent, UpdateEndpoint, type ConnectedConsumer } from '../../api/components';
import { incomingConnections, refuseStrandingConnections, type IncomingConnection } from '../connections/incoming';
import { CONNECTIONS, type ConnectionRecord } from '../connections/records';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { environmentsOf, findComponent, findProject, noEndpointMessage } from '../domain/lookups';
import { listPage } from '../domain/paging';
import type { CorsSetting } from '../../api/cors';
import { C, ComponentRecord, OrganizationRecord, type StoredEndpoint } from '../domain/records';
import { componentView } from '../domain/views';
import { parseQuery, readJson } from '../http/body';
import { conflict, nameTaken, notFound, validationFailed } from '../http/errors';
import type { Router } from '../http/router';
import { MissingRecord, UniqueViolation } from '../store/store';
import { upstreamProblem } from '../gateway/upstreamRule';
import { definedOnly } from './projects';

/** The common list query plus `?type=` (external-consumer or service). */
const ComponentListQuery = ListQuery.extend({ type: ComponentType.optional() });

export const components: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    const { store, cascade, baseUrl } = ctx;
    const base = '/orgs/:org/projects/:project/components';
    const view = async (org: OrganizationRecord, r: ComponentRecord) =>
      componentView(
        r,
        baseUrl,
        (await environmentsOf(store, org.id)).map((e) => e.handle),
      );

    router.api('GET', base, async ({ params, query }) => {
      const { org, project } = await findProject(store, params.org, params.project);
      const q = parseQuery(ComponentListQuery, query);
      const envs = (await environmentsOf(store, org.id)).map((e) => e.handle);
      const filter = q.type ? (r: ComponentRecord) => r.type === q.type : undefined;
      return {
        status: 200,
        body: await listPage(store, C.components, project.id, q, (r: ComponentRecord) => componentView(r, baseUrl, envs), filter),
      };
    });

    router.api('POST', base, async ({ req, params }) => {
      const { org, project } = await findProject(store, params.org, params.project);
      const input = await readJson(req, CreateComponent);
      const now = new Date().toISOString();
      const component: ComponentRecord = {
        id: randomUUID(),
        orgId: org.id,
        orgHandle: org.handle,
        projectId: project.id,
        projectHandle: project.handle,
        name: input.name,
        displayName: input.displayName,
        description: input.description,
        type: input.type,
        createdAt: now,
        updatedAt: now,
      };
      if (input.type === 'service') component.endpoints = await checkEndpoints(ctx, org, input.endpoints ?? []);
      else if (input.endpoints !== undefined) throw onlyServicesHaveEndpoints();
      try {
        await store.write([
          { op: 'require', collection: C.projects, id: project.id },
          { op: 'put', collection: C.components, record: component },
        ]);
      } catch (err) {
        if (err instanceof UniqueViolation) {
          throw nameTaken(`Project "${project.handle}" already has a component named "${input.name}". Choose another unique name.`, 'name');
        }
        if (err instanceof MissingRecord) throw notFound(`Project "${project.handle}" was deleted.`);
        throw err;
      }
      return { status: 201, body: await view(org, component) };
    });

    router.api('GET', `${base}/:component`, async ({ params }) => {
      const { org, component } = await findComponent(store, params.org, params.project, params.component);
      return { status: 200, body: await view(org, component) };
    });

    router.api('PATCH', `${base}/:component`, async ({ req, params }) => {
      const { org, component } = await findComponent(store, params.org, params.project, params.component);
      const input = await readJson(req, UpdateComponent);
      const updated: ComponentRecord = {
        ...component,
        ...definedOnly({ displayName: input.displayName, description: input.description }),
        updatedAt: new Date().toISOString(),
      };
      if (input.endpoints !== undefined) {
        if (component.type !== 'service') throw onlyServicesHaveEndpoints();
        updated.endpoints = await checkEndpoints(ctx, org, input.endpoints);
        await refuseStrandingConnections(store, component, updated.endpoints);
      }
      await store.write([{ op: 'put', collection: C.components, record: updated }]);
      return { status: 200, body: await view(org, updated) };
    });

    // One endpoint: its visibility, and its upstream URLs merged per environment (the Service Overview's edits).
    router.api('PATCH', `${base}/:component/endpoints/:endpoint`, async ({ req, params }) => {
      const { org, component } = await findComponent(store, params.org, params.project, params.component);
      if (component.type !== 'service') throw onlyServicesHaveEndpoints();
      const input = await readJson(req, UpdateEndpoint);
      const endpoints = component.endpoints ?? [];
      const at = endpoints.findIndex((e) => e.name === params.endpoint);
      if (at === -1) throw notFound(noEndpointMessage(component, params.endpoint));
      const envs = (await environmentsOf(store, org.id)).map((e) => e.handle);
      const fields = Object.keys(input.upstreamUrls ?? {})
        .filter((env) => !envs.includes(env))
        .map((env) => ({ path: `upstreamUrls.${env}`, message: unknownEnvironment(env, envs) }));
      for (const [env, url] of Object.entries(input.upstreamUrls ?? {})) {
        const problem = url === null ? undefined : await upstreamProblem(ctx, url);
        if (problem) fields.push({ path: `upstreamUrls.${env}`, message: problem });
      }
      if (fields.length) throw validationFailed(`The endpoint change is not valid: ${fields[0].path}: ${fields[0].message}`, fields);
      const upstreamUrls = { ...endpoints[at].upstreamUrls };
      for (const [env, url] of Object.entries(input.upstreamUrls ?? {})) {
        if (url === null) delete upstreamUrls[env];
        else upstreamUrls[env] = url;
      }
      const next = endpoints.map((e, i) =>
        i === at ? withCors({ ...e, visibility: input.visibility ?? e.visibility, upstreamUrls }, input.cors === undefined ? e.cors : input.cors) : e,
      );
      await refuseStrandingConnections(store, component, next);
      const updated: ComponentRecord = { ...component, endpoints: next, updatedAt: new Date().toISOString() };
      await store.write([{ op: 'put', collection: C.components, record: updated }]);
      return { status: 200, body: await view(org, updated) };
    });

    router.api('GET', `${base}/:component/connected-consumers`, async ({ params }) => {
      const { component } = await findComponent(store, params.org, params.project, params.component);
      if (component.type !== 'service') {
        throw conflict(`"${component.name}" is an external consumer; consumers connect to services, so only a service has connected consumers.`);
      }
      const items: ConnectedConsumer[] = (await incomingConnections(store, component.id)).map(connectedConsumer);
      return { status: 200, body: { items } };
    });

    // Revoke Connection: the service's Admins cut off one consumer's connection, of their organization or another
    // one (whose owners they cannot make delete it). The record stays, revoked, so that the consumer's owners read
    // who cut it off and when; the gateway no longer counts it, nor do narrowing and deleting (issue 22, row 6).
    router.api('POST', `${base}/:component/connected-consumers/:connection/revoke`, async ({ params, principal }) => {
      const { org, component } = await findComponent(store, params.org, params.project, params.component);
      const incoming = (await incomingConnections(store, component.id)).find((i) => i.connection.id === params.connection);
      if (!incoming)
        throw notFound(
          `No consumer is connected to "${component.name}" by a connection "${params.connection}". List its connected consumers to see their ids.`,
        );
      if (!incoming.connection.revoked) {
        const revoked: ConnectionRecord = {
          ...incoming.connection,
          revoked: {
            at: new Date().toISOString(),
            byOrgHandle: org.handle,
            by: principal!.kind === 'admin' ? 'the operator' : (principal!.name ?? principal!.id),
          },
        };
        await store.write([
          { op: 'require', collection: CONNECTIONS, id: revoked.id },
          { op: 'put', collection: CONNECTIONS, record: revoked },
        ]);
        incoming.connection = revoked;
      }
      return { status: 200, body: connectedConsumer(incoming) };
    });

    router.api('DELETE', `${base}/:component`, async ({ params }) => {
      const { component } = await findComponent(store, params.org, params.project, params.component);
      await store.write(await cascade.deletion(C.components, component, store));
      return { status: 204 };
    });
  },
};

const connectedConsumer = ({ connection, consumer }: IncomingConnection): ConnectedConsumer => ({
  connectionId: connection.id,
  ...(connection.revoked ? { revoked: connection.revoked } : {}),
  endpointName: connection.endpointName,
  connectionName: connection.name,
  consumer: { orgHandle: consumer.orgHandle, projectHandle: consumer.projectHandle, name: consumer.name, displayName: consumer.displayName },
});

const unknownEnvironment = (env: string, envs: Iterable<string>) => `There is no environment "${env}"; use one of: ${[...envs].join(', ')}.`;

function onlyServicesHaveEndpoints() {
  const message = 'Only services have endpoints; an external consumer calls them through connections.';
  return validationFailed(message, [{ path: 'endpoints', message }]);
}

async function checkEndpoints(
  ctx: ControlPlaneContext,
  org: OrganizationRecord,
  endpoints: EndpointInput[],
): Promise<NonNullable<ComponentRecord['endpoints']>> {
  const envs = new Set((await environmentsOf(ctx.store, org.id)).map((e) => e.handle));
  const seen = new Set<string>();
  const fields: { path: string; message: string }[] = [];
  endpoints.forEach((e, i) => {
    if (seen.has(e.name)) fields.push({ path: `endpoints.${i}.name`, message: `Another endpoint is already named "${e.name}".` });
    seen.add(e.name);
    for (const env of Object.keys(e.upstreamUrls ?? {})) {
      if (!envs.has(env)) {
        fields.push({ path: `endpoints.${i}.upstreamUrls.${env}`, message: unknownEnvironment(env, envs) });
      }
    }
  });
  for (const [i, e] of endpoints.entries()) {
    for (const [env, url] of Object.entries(e.upstreamUrls ?? {})) {
      const problem = await upstreamProblem(ctx, url);
      if (problem) fields.push({ path: `endpoints.${i}.upstreamUrls.${env}`, message: problem });
    }
  }
  if (fields.length) throw validationFailed(`The endpoints are not valid: ${fields[0].path}: ${fields[0].message}`, fields);
  return endpoints.map((e) => withCors({ name: e.name, visibility: e.visibility ?? 'Project', upstreamUrls: e.upstreamUrls ?? {} }, e.cors));
}

/** The endpoint with that CORS setting; none (or null) stores none, which the gateway reads as the default. */
function withCors(e: StoredEndpoint, cors: CorsSetting | null | undefined): StoredEndpoint {
  const { cors: _old, ...rest } = e;
  return cors ? { ...rest, cors } : rest;
}
