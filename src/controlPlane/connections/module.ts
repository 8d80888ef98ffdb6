/**
 * Connections from an external consumer to a service endpoint: create, list, get, delete, and per environment the
 * Choreo keys the consumer's code reads (ServiceURL, ConsumerKey, ConsumerSecret, TokenURL, and IssuerURL for keys
 * that sign people in). A connection is what
 * lets the consumer's token through the gateway for that endpoint (gateway/access.ts, rule 4).
 */
import { randomUUID } from 'node:crypto';
import { ConnectionConfig, CreateConnection, envVariableName, type Connection, type ConnectionEntry, type ConnectionKey } from '../../api/connections';
import { gatewayUrl, issuerUrl, tokenUrl } from '../../api/routes';
import { CredentialVault } from '../../secrets/credentialVault';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findComponent, findEnvironment, noEndpointMessage } from '../domain/lookups';
import { C, type AuthConfigRecord, type ComponentRecord, type IdentityProviderRecord, type OrganizationRecord, type ProjectRecord } from '../domain/records';
import { readJson } from '../http/body';
import { ApiError, conflict, inUse, nameTaken, notFound, validationFailed } from '../http/errors';
import type { Router } from '../http/router';
import { MissingRecord, UniqueViolation, type Store } from '../store/store';
import { describeIncoming, incomingConnections, useOf, type IncomingConnection } from './incoming';
import { CONNECTIONS, connectionCollection, isLive, type ConnectionRecord } from './records';
import { admits, notVisibleMessage } from './visibility';

/**
 * The issuer an app that signs people in with these keys discovers its provider at, or undefined when the keys cannot
 * sign anyone in. An external provider's app decides its grants there, so its keys always may (the issuer is public);
 * the built-in provider's keys may when their key settings allow Authorization Code (stored with the keys by the
 * authorization server's change: until then, never).
 */
function signInIssuer(config: AuthConfigRecord | undefined, idp: IdentityProviderRecord | undefined, builtInIssuer: () => string): string | undefined {
  if (!config) return undefined;
  if (config.kind === 'external') return idp?.issuer;
  return config.keySettings?.grantTypes.includes('authorization_code') ? builtInIssuer() : undefined;
}

/** `consumerOrgHandle`: the service's organization of connections made before it was kept. */
export function connectionView(r: ConnectionRecord, consumerOrgHandle: string): Connection {
  return {
    id: r.id,
    componentId: r.componentId,
    name: r.name,
    serviceOrgHandle: r.serviceOrgHandle ?? consumerOrgHandle,
    serviceProjectHandle: r.serviceProjectHandle,
    serviceComponentName: r.serviceComponentName,
    endpointName: r.endpointName,
    createdAt: r.createdAt,
    ...(r.revoked ? { revoked: r.revoked } : {}),
  };
}

async function consumerOf(store: Store, params: Record<string, string>) {
  const found = await findComponent(store, params.org, params.project, params.component);
  if (found.component.type !== 'external-consumer') {
    throw conflict(`"${found.component.name}" is a service; connections are made from external consumers.`);
  }
  return found;
}

async function findConnection(store: Store, consumer: ComponentRecord, name: string): Promise<ConnectionRecord> {
  const r = await store.findUnique<ConnectionRecord>(CONNECTIONS, 'name', `${consumer.id}/${name.toLowerCase()}`);
  if (!r) throw notFound(`"${consumer.name}" has no connection named "${name}".`);
  return r;
}

/**
 * The endpoint a new connection points at, if its visibility admits the consumer (visibility.ts). In the consumer's
 * own organization a wrong name is a validation error naming the field, and a visibility that does not admit the
 * consumer is 403 `not_visible` saying what to change. In another organization every refusal is the same sentence
 * (no such organization, project, service or endpoint, or one that is not Public), so that trying names learns
 * nothing of what another organization holds beyond its Public endpoints.
 */
async function resolveTarget(store: Store, consumerOrg: OrganizationRecord, consumer: ComponentRecord, input: CreateConnection) {
  const orgHandle = input.serviceOrgHandle ?? consumerOrg.handle;
  const projectHandle = input.serviceProjectHandle ?? consumer.projectHandle;
  if (orgHandle !== consumerOrg.handle) {
    const org = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', orgHandle);
    const project = org && (await store.findUnique<ProjectRecord>(C.projects, 'handle', `${org.id}/${projectHandle}`));
    const service = project && (await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${input.serviceComponentName}`));
    const endpoint = service?.type === 'service' ? service.endpoints?.find((e) => e.name === input.endpointName) : undefined;
    if (!service || !endpoint || !admits(endpoint.visibility, service, consumer)) {
      throw new ApiError(
        403,
        'not_visible',
        `Organization "${orgHandle}" has no Public endpoint "${input.endpointName}" of ${projectHandle}/${input.serviceComponentName}; ` +
          'only Public endpoints take connections from other organizations. Check the names with its owners, or ask them to make the endpoint Public.',
      );
    }
    return { service, endpoint };
  }
  const bad = (path: string, message: string) => validationFailed(message, [{ path, message }]);
  const project = await store.findUnique<ProjectRecord>(C.projects, 'handle', `${consumerOrg.id}/${projectHandle}`);
  if (!project) throw bad('serviceProjectHandle', `Organization "${consumerOrg.handle}" has no project "${projectHandle}".`);
  const service = await store.findUnique<ComponentRecord>(C.components, 'name', `${project.id}/${input.serviceComponentName}`);
  if (!service) throw bad('serviceComponentName', `Project "${projectHandle}" has no component "${input.serviceComponentName}".`);
  if (service.type !== 'service') throw bad('serviceComponentName', `"${service.name}" is not a service; a connection points at a service endpoint.`);
  const endpoint = service.endpoints?.find((e) => e.name === input.endpointName);
  if (!endpoint) throw bad('endpointName', noEndpointMessage(service, input.endpointName));
  if (!admits(endpoint.visibility, service, consumer)) throw new ApiError(403, 'not_visible', notVisibleMessage(service, endpoint, consumer));
  return { service, endpoint };
}

export const connections: ControlPlaneModule = {
  collections: [connectionCollection],
  register(router: Router, { store, baseUrl, cascade }: ControlPlaneContext) {
    const base = '/orgs/:org/projects/:project/components/:component/connections';

    router.api('GET', base, async ({ params }) => {
      const { component } = await consumerOf(store, params);
      return { status: 200, body: { items: (await allOf(store, component.id)).map((r) => connectionView(r, component.orgHandle)) } };
    });

    router.api('POST', base, async ({ req, params }) => {
      const { org, component } = await consumerOf(store, params);
      const input = await readJson(req, CreateConnection);
      const { service, endpoint } = await resolveTarget(store, org, component, input);
      const record: ConnectionRecord = {
        id: randomUUID(),
        orgId: org.id,
        componentId: component.id,
        name: input.name,
        serviceComponentId: service.id,
        serviceOrgHandle: service.orgHandle,
        serviceProjectHandle: service.projectHandle,
        serviceComponentName: service.name,
        endpointName: endpoint.name,
        createdAt: new Date().toISOString(),
      };
      try {
        await store.write([
          { op: 'require', collection: C.components, id: component.id },
          { op: 'require', collection: C.components, id: service.id },
          { op: 'put', collection: CONNECTIONS, record },
        ]);
      } catch (err) {
        if (err instanceof UniqueViolation) {
          throw nameTaken(`"${component.name}" already has a connection named "${input.name}". Choose another name.`, 'name');
        }
        if (err instanceof MissingRecord) throw notFound('The consumer or the service was deleted a moment ago. Reload and try again.');
        throw err;
      }
      return { status: 201, body: connectionView(record, org.handle) };
    });

    router.api('GET', `${base}/:connection`, async ({ params }) => {
      const { component } = await consumerOf(store, params);
      return { status: 200, body: connectionView(await findConnection(store, component, params.connection), component.orgHandle) };
    });

    router.api('DELETE', `${base}/:connection`, async ({ params }) => {
      const { component } = await consumerOf(store, params);
      const r = await findConnection(store, component, params.connection);
      await store.write(await cascade.deletion(CONNECTIONS, r, store));
      return { status: 204 };
    });

    router.api('GET', `${base}/:connection/config/:env`, async ({ params }) => {
      const { org, project, component } = await consumerOf(store, params);
      const r = await findConnection(store, component, params.connection);
      const env = await findEnvironment(store, org, params.env);
      const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'slot', `${component.id}/${env.handle}`);
      const idp = config && config.kind === 'external' ? await store.get<IdentityProviderRecord>(C.identityProviders, config.identityProviderId) : undefined;

      const entry = (key: ConnectionKey, isSensitive: boolean, extra: Partial<ConnectionEntry>): ConnectionEntry => ({
        key,
        isSensitive,
        envVariableName: envVariableName(r.name, key),
        ...extra,
      });
      const entries: ConnectionEntry[] = [
        entry('ServiceURL', false, {
          value: gatewayUrl(baseUrl, r.serviceOrgHandle ?? org.handle, r.serviceProjectHandle, r.serviceComponentName, r.endpointName, env.handle),
        }),
      ];
      if (config) entries.push(entry('ConsumerKey', false, { value: config.clientId }));
      // Never a value: the secret was handed out once (Generate Keys) or lives in the user's provider. valueRef
      // is the key under which the extension's vault keeps it. A public client's keys have no secret to use (the
      // token endpoint takes none from them), so none is named: nothing asks for it, and its absence is no gap.
      if (!(config?.kind === 'built-in' && config.keySettings?.publicClient))
        entries.push(
          entry('ConsumerSecret', true, {
            valueRef: CredentialVault.consumerSecretKey({
              controlPlane: baseUrl,
              org: org.handle,
              project: project.handle,
              componentId: component.id,
              environment: env.handle,
              identityProvider: config?.kind === 'external' ? config.identityProviderId : undefined,
            }),
          }),
        );
      entries.push(entry('TokenURL', false, { value: idp?.tokenEndpoint ?? tokenUrl(baseUrl, org.handle) }));
      const issuer = signInIssuer(config, idp, () => issuerUrl(baseUrl, org.handle));
      if (issuer) entries.push(entry('IssuerURL', false, { value: issuer }));
      const body: ConnectionConfig = { connectionName: r.name, environment: env.handle, configured: config !== undefined, entries };
      return { status: 200, body };
    });

    /*
     * A delete does not drop other people's connections. Deleting a service that consumers of other projects (or,
     * through a Public endpoint, other organizations) are connected to would break their running clients, and their
     * owners are not the one deleting: so it is refused, naming those connections, and the deleter can ask them to
     * disconnect. (A cascade after a confirmation was the alternative; it would leave the choice with the one person
     * who does not bear its cost.) What is deleted together goes together: a project's or an organization's own
     * consumers take their connections to its services along.
     */
    cascade.refuseDelete(async ({ collection, record, ops }, s) => {
      const deleted = new Set(ops.flatMap((o) => (o.op === 'delete' && o.collection === C.components ? [o.id] : [])));
      const stranded: IncomingConnection[] = [];
      for (const id of deleted) {
        for (const incoming of await incomingConnections(s, id)) if (!deleted.has(incoming.consumer.id) && isLive(incoming.connection)) stranded.push(incoming);
      }
      if (stranded.length === 0) return;
      const orgId = collection === C.orgs ? record.id : (record as ComponentRecord | ProjectRecord).orgId;
      const names = describeIncoming(stranded, orgId);
      const what =
        collection === C.orgs
          ? `Organization "${(record as OrganizationRecord).handle}" cannot be deleted while consumers of other organizations are connected to its Public endpoints: ${names}.`
          : collection === C.projects
            ? `Project "${(record as ProjectRecord).handle}" cannot be deleted while consumers outside it are connected to its services: ${names}.`
            : `The service "${(record as ComponentRecord).name}" cannot be deleted while consumers are connected to it: ${names}.`;
      throw inUse(
        `${what} Deleting would break their clients: ask their owners to delete those connections, or revoke them (Revoke Connection), then delete again.`,
        stranded.map(useOf),
      );
    });

    // A consumer takes its connections along; a service takes the connections pointing at it (those of consumers
    // deleted with it: the guard above refuses the others).
    cascade.onDelete(C.components, async (component, s) => {
      const own = await allOf(s, component.id);
      const incoming = await s.findAll<ConnectionRecord>(CONNECTIONS, 'service', component.id);
      return [...own, ...incoming].map((c) => ({ op: 'delete' as const, collection: CONNECTIONS, id: c.id }));
    });
  },
};

async function allOf(store: Store, consumerId: string): Promise<ConnectionRecord[]> {
  const out: ConnectionRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.page<ConnectionRecord>(CONNECTIONS, { group: consumerId, after, limit: 500 });
    out.push(...page.items);
    if (page.last === undefined) return out;
    after = page.last;
  }
}
