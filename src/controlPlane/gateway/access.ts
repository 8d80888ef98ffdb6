/**
 * The gateway's access rules. A call to a service endpoint in an environment passes only with a Bearer JWT that
 *   (1) verifies against the built-in provider's keys or the external provider's JWKS (tokenCheck.ts),
 *   (2) comes from the identity provider configured for the consumer in that environment,
 *   (3) names a client ID that belongs to that consumer (`client_id` or `azp`), for the built-in provider with the
 *       consumer's current secret (a token issued before Regenerate Secret is refused), and
 *   (4) where a connection from that consumer to that endpoint exists.
 * (1)–(3) failing is 401 (who is calling is not established); (4) failing is 403 naming the missing connection.
 */
import { issuerUrl } from '../../api/routes';
import { CONNECTIONS, pair, target, type ConnectionRecord } from '../connections/records';
import { C, type AuthConfigRecord, type ComponentRecord, type EnvironmentRecord, type IdentityProviderRecord, type OrganizationRecord } from '../domain/records';
import { findConsumerConfigs } from '../externalIdp/usage';
import type { Store } from '../store/store';
import type { VerifiedToken } from './tokenCheck';

export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

export interface GatewayTarget {
  org: OrganizationRecord;
  service: ComponentRecord;
  endpointName: string;
  env: EnvironmentRecord;
}

const deny401 = (message: string) => new AccessDenied(401, message);

/** The built-in provider's issuer URL per organization handle, built once rather than on every call (the handle and
 * base URL are the same string objects call after call, so the lookups hash nothing new). */
const issuers = new Map<string, Map<string, string>>();
function builtInIssuer(baseUrl: string, orgHandle: string): string {
  let perOrg = issuers.get(baseUrl);
  if (perOrg === undefined) issuers.set(baseUrl, (perOrg = new Map()));
  let issuer = perOrg.get(orgHandle);
  if (issuer === undefined) {
    if (perOrg.size >= 10_000) perOrg.clear();
    issuer = issuerUrl(baseUrl, orgHandle);
    perOrg.set(orgHandle, issuer);
  }
  return issuer;
}

/** Returns the consumer the call is made for, or throws AccessDenied. */
export function authorizeCall(store: Store, baseUrl: string, token: VerifiedToken, t: GatewayTarget): Promise<ComponentRecord> {
  // Not async itself: returning another async function's promise from an async function costs two more turns of the
  // microtask queue, on every gateway call.
  if (token.issuer === builtInIssuer(baseUrl, t.org.handle)) return authorizeBuiltIn(store, token, t);
  if (token.issuer.startsWith(`${baseUrl}/oauth2/`)) {
    return Promise.reject(deny401(`The token was issued for another organization (${token.issuer}); this service belongs to "${t.org.handle}".`));
  }
  return authorizeExternal(store, token, t);
}

// The store is awaited directly here (no nested async helper, each of which would cost a promise and turns of the
// microtask queue per call).
async function authorizeBuiltIn(store: Store, token: VerifiedToken, t: GatewayTarget): Promise<ComponentRecord> {
  const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'clientId', token.clientId);
  const consumer = config && (await store.get<ComponentRecord>(C.components, config.componentId));
  if (!config || !consumer || config.orgId !== t.org.id) {
    throw deny401(`The client ID ${token.clientId} belongs to no external consumer of "${t.org.handle}" (its keys were removed, or the consumer deleted).`);
  }
  if (config.secretRegeneratedAt !== undefined) {
    const version = token.claims.secret_version;
    if (typeof version !== 'number' || version < Date.parse(config.secretRegeneratedAt)) {
      throw deny401(`The token was issued before ${consumer.name}'s secret was regenerated (${config.secretRegeneratedAt}); get a new token with the new secret.`);
    }
  }
  if (config.environment !== t.env.handle) {
    throw deny401(
      `The token is from ${consumer.name}'s keys for ${config.environment}, but this is the ${t.env.name} URL of the endpoint. Use the ${t.env.name} keys.`,
    );
  }
  const connections = await store.findAll<ConnectionRecord>(CONNECTIONS, 'pair', pair(consumer.id, t.service.id, t.endpointName));
  if (connections.length === 0) throw noConnection(consumer, t);
  return consumer;
}

async function authorizeExternal(store: Store, token: VerifiedToken, t: GatewayTarget): Promise<ComponentRecord> {
  const idp = (await store.findAll<IdentityProviderRecord>(C.identityProviders, 'org', t.org.id)).find(
    (i) => i.kind === 'external' && i.issuer === token.issuer,
  );
  if (!idp) throw deny401(`The token's issuer ${token.issuer} is not an identity provider of "${t.org.handle}".`);
  const inEnv = idp.environments === 'all' || idp.environments.includes(t.env.handle);
  const matches = (c: AuthConfigRecord | undefined): c is AuthConfigRecord =>
    !!c && c.kind === 'external' && c.identityProviderId === idp.id && c.clientId === token.clientId;

  // Fast path: consumers connected to this endpoint whose keys in this environment are this client.
  if (inEnv) {
    for (const connection of await store.findAll<ConnectionRecord>(CONNECTIONS, 'target', target(t.service.id, t.endpointName))) {
      const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'slot', `${connection.componentId}/${t.env.handle}`);
      if (matches(config)) {
        const consumer = await store.get<ComponentRecord>(C.components, connection.componentId);
        if (consumer) return consumer;
      }
    }
  }

  // Refused: find out why, so the answer says what to fix.
  const uses = await findConsumerConfigs(store, t.org.id, (c) => matches(c));
  const here = uses.find((u) => u.config.environment === t.env.handle);
  if (!inEnv || !here) {
    if (uses.length === 0) {
      throw deny401(`The client ID ${token.clientId} of "${idp.name}" belongs to no external consumer. Add it to the consumer with Add Keys.`);
    }
    throw deny401(
      `"${idp.name}" is not configured for ${uses[0].component.name} in ${t.env.name} (its keys there are for ${uses.map((u) => u.config.environment).join(', ')}).`,
    );
  }
  await requireConnection(store, here.component, t);
  return here.component;
}

async function requireConnection(store: Store, consumer: ComponentRecord, t: GatewayTarget): Promise<void> {
  const found = await store.findAll<ConnectionRecord>(CONNECTIONS, 'pair', pair(consumer.id, t.service.id, t.endpointName));
  if (found.length === 0) throw noConnection(consumer, t);
}

function noConnection(consumer: ComponentRecord, t: GatewayTarget): AccessDenied {
  return new AccessDenied(
    403,
    `The external consumer "${consumer.name}" has no connection to the endpoint "${t.endpointName}" of ` +
      `${t.service.projectHandle}/${t.service.name}. Create a connection from ${consumer.name} to ${t.service.name}/${t.endpointName}.`,
  );
}
