/**
 * The gateway's access rules. A call to a service endpoint in an environment passes only with a Bearer JWT that
 *   (1) verifies against the built-in provider's keys or the external provider's JWKS (tokenCheck.ts),
 *   (2) comes from the identity provider configured for the consumer in that environment,
 *   (3) names a client ID that belongs to that consumer (`client_id` or `azp`), for the built-in provider with the
 *       consumer's current secret (a token issued before Regenerate Secret is refused); a person's token of the
 *       built-in provider (one with a `grant_id`) only while its grant is live (../idp/liveGrants.ts), and
 *   (4) where a connection from that consumer to that endpoint exists, and
 *   (5) the endpoint's visibility admits the consumer (../connections/visibility.ts; checked when the connection was
 *       made, and again here so that no connection the rule does not admit, however it came to be, carries a call).
 * (1)–(3) failing is 401 (who is calling is not established); (4) failing is 403 naming the missing connection,
 * (5) 403 `not_visible`. The provider is the consumer's organization's: another organization's for a Public endpoint.
 */
import type { Visibility } from '../../api/components';
import { gatewayAudience, issuerUrl } from '../../api/routes';
import { CONNECTIONS, isLive, pair, target, type ConnectionRecord } from '../connections/records';
import { admits, notVisibleMessage } from '../connections/visibility';
import {
  C,
  type AuthConfigRecord,
  type ComponentRecord,
  type EnvironmentRecord,
  type IdentityProviderRecord,
  type OrganizationRecord,
} from '../domain/records';
import { findConsumerConfigs } from '../externalIdp/usage';
import { grantIsLive, REVOKED_TOKEN } from '../idp/liveGrants';
import type { Store } from '../store/store';
import type { VerifiedToken } from './tokenCheck';

export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    readonly code: 'unauthorized' | 'forbidden' | 'not_visible' = status === 401 ? 'unauthorized' : 'forbidden',
  ) {
    super(message);
  }
}

export interface GatewayTarget {
  org: OrganizationRecord;
  service: ComponentRecord;
  endpointName: string;
  visibility: Visibility;
  env: EnvironmentRecord;
}

/** The audiences an external provider's tokens must carry one of: its registration's, or this gateway's own. */
export const audiencesOf = (idp: IdentityProviderRecord, baseUrl: string): string[] => (idp.audiences?.length ? idp.audiences : [gatewayAudience(baseUrl)]);

/** Whether the token carries an audience of that registration of its issuer. */
export function hasAudience(token: VerifiedToken, idp: IdentityProviderRecord, baseUrl: string): boolean {
  const aud = token.claims.aud;
  const allowed = audiencesOf(idp, baseUrl);
  return (Array.isArray(aud) ? aud : [aud]).some((a) => typeof a === 'string' && allowed.includes(a));
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

/** Who a call that passed is made by: the external consumer, and its connection that carries the call. */
export interface Caller {
  consumer: ComponentRecord;
  connection: ConnectionRecord;
}

/** Returns the consumer the call is made for and its connection, or throws AccessDenied. The caller (module.ts) has
 * refused a token of another organization already unless the endpoint is Public. */
export function authorizeCall(store: Store, baseUrl: string, token: VerifiedToken, t: GatewayTarget): Promise<Caller> {
  // Not async itself: returning another async function's promise from an async function costs two more turns of the
  // microtask queue, on every gateway call.
  if (token.issuer === builtInIssuer(baseUrl, t.org.handle)) return authorizeBuiltIn(store, baseUrl, token, t, t.org.handle);
  const builtInPrefix = `${baseUrl}/oauth2/`;
  if (token.issuer.startsWith(builtInPrefix)) {
    if (t.visibility === 'Public') return authorizeBuiltIn(store, baseUrl, token, t, token.issuer.slice(builtInPrefix.length));
    return Promise.reject(deny401(`The token was issued for another organization (${token.issuer}); this service belongs to "${t.org.handle}".`));
  }
  return authorizeExternal(store, baseUrl, token, t);
}

// The store is awaited directly here (no nested async helper, each of which would cost a promise and turns of the
// microtask queue per call). `issuerOrg`: the organization in the token's issuer URL (as it is written there).
async function authorizeBuiltIn(store: Store, baseUrl: string, token: VerifiedToken, t: GatewayTarget, issuerOrg: string): Promise<Caller> {
  // A person's token (application tokens carry no grant_id and skip this). Read through the store's cache; a call
  // forwarded as before (module.ts) reads nothing, and a grant ended anywhere makes it come here again.
  if (token.claims.grant_id !== undefined && !(await grantIsLive(store, token.claims.grant_id))) throw deny401(REVOKED_TOKEN);
  const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'clientId', token.clientId);
  const consumer = config && (await store.get<ComponentRecord>(C.components, config.componentId));
  if (!config || !consumer || builtInIssuer(baseUrl, config.orgHandle) !== token.issuer) {
    throw deny401(`The client ID ${token.clientId} belongs to no external consumer of "${issuerOrg}" (its keys were removed, or the consumer deleted).`);
  }
  if (config.secretRegeneratedAt !== undefined) {
    const version = token.claims.secret_version;
    if (typeof version !== 'number' || version < Date.parse(config.secretRegeneratedAt)) {
      throw deny401(
        `The token was issued before ${consumer.name}'s secret was regenerated (${config.secretRegeneratedAt}); get a new token with the new secret.`,
      );
    }
  }
  if (config.environment !== t.env.handle) {
    throw deny401(
      `The token is from ${consumer.name}'s keys for ${config.environment}, but this is the ${t.env.name} URL of the endpoint. Use the ${t.env.name} keys.`,
    );
  }
  const connections = await store.findAll<ConnectionRecord>(CONNECTIONS, 'pair', pair(consumer.id, t.service.id, t.endpointName));
  const connection = connections.find(isLive);
  if (!connection) throw noConnection(consumer, t, connections);
  if (!admits(t.visibility, t.service, consumer)) throw notVisible(consumer, t);
  return { consumer, connection };
}

async function authorizeExternal(store: Store, baseUrl: string, token: VerifiedToken, t: GatewayTarget): Promise<Caller> {
  // Fast path: consumers connected to this endpoint whose keys in this environment are this client of the very
  // registration whose keys verified the token (the consumer's organization's: the service's, or another one's for a
  // Public endpoint). Another registration of the same issuer vouches for nothing here.
  for (const connection of await store.findAll<ConnectionRecord>(CONNECTIONS, 'target', target(t.service.id, t.endpointName))) {
    if (!isLive(connection)) continue;
    const config = await store.findUnique<AuthConfigRecord>(C.authConfigs, 'slot', `${connection.componentId}/${t.env.handle}`);
    if (!config || config.kind !== 'external' || config.clientId !== token.clientId || !verifiedBy(token, config.identityProviderId)) continue;
    const provider = await store.get<IdentityProviderRecord>(C.identityProviders, config.identityProviderId);
    if (!provider || provider.issuer !== token.issuer || !appliesIn(provider, t.env) || !hasAudience(token, provider, baseUrl)) continue;
    const consumer = await store.get<ComponentRecord>(C.components, connection.componentId);
    if (!consumer) continue;
    if (!admits(t.visibility, t.service, consumer)) throw notVisible(consumer, t);
    return { consumer, connection };
  }

  // Refused: find out why, so the answer says what to fix.
  const mine = token.registrations?.find((r) => r.orgId === t.org.id);
  const idp = mine && (await store.get<IdentityProviderRecord>(C.identityProviders, mine.id));
  if (!idp) {
    // Only a Public endpoint gets here with another organization's token (module.ts): that organization's consumers
    // are not walked for a better reason.
    throw deny401(
      `The client ID ${token.clientId} of ${token.issuer} belongs to no external consumer with keys of that provider for ${t.env.name} and a connection to ` +
        `${t.service.projectHandle}/${t.service.name}/${t.endpointName}. Add the keys to the consumer (Add Keys), and connect it to the endpoint.`,
    );
  }
  const inEnv = appliesIn(idp, t.env);
  const matches = (c: AuthConfigRecord | undefined): c is AuthConfigRecord =>
    !!c && c.kind === 'external' && c.identityProviderId === idp.id && c.clientId === token.clientId;
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
  // The token's audience is judged here too, against the registration as it is now: the token checker judged it when
  // the token was first seen, and a replica may keep that verdict while the registration's audiences change.
  if (!hasAudience(token, idp, baseUrl)) {
    throw deny401(
      `The access token is not for this gateway: its audience (aud) is none of those "${idp.name}" is registered with (${audiencesOf(idp, baseUrl).join(', ')}). Get a token for one of them, or change the provider's audiences.`,
    );
  }
  const connection = await requireConnection(store, here.component, t);
  if (!admits(t.visibility, t.service, here.component)) throw notVisible(here.component, t);
  return { consumer: here.component, connection };
}

/** Whether the registration's keys verified the token (tokenCheck.ts: each registration judges only its own). */
const verifiedBy = (token: VerifiedToken, registrationId: string) => token.registrations?.some((r) => r.id === registrationId) === true;

const appliesIn = (idp: IdentityProviderRecord, env: EnvironmentRecord) => idp.environments === 'all' || idp.environments.includes(env.handle);

async function requireConnection(store: Store, consumer: ComponentRecord, t: GatewayTarget): Promise<ConnectionRecord> {
  const found = await store.findAll<ConnectionRecord>(CONNECTIONS, 'pair', pair(consumer.id, t.service.id, t.endpointName));
  const live = found.find(isLive);
  if (!live) throw noConnection(consumer, t, found);
  return live;
}

function notVisible(consumer: ComponentRecord, t: GatewayTarget): AccessDenied {
  return new AccessDenied(403, notVisibleMessage(t.service, { name: t.endpointName, visibility: t.visibility }, consumer), 'not_visible');
}

/** `found`: the consumer's connections to the endpoint, none live; a revoked one says who cut it off (the consumer's
 * own connection: its owners may know). */
function noConnection(consumer: ComponentRecord, t: GatewayTarget, found: ConnectionRecord[]): AccessDenied {
  const cut = found.find((c) => c.revoked);
  if (cut?.revoked) {
    return new AccessDenied(
      403,
      `The connection "${cut.name}" of "${consumer.name}" to ${t.service.projectHandle}/${t.service.name}/${t.endpointName} was revoked by ` +
        `${cut.revoked.by} of organization "${cut.revoked.byOrgHandle}" on ${cut.revoked.at}. Ask the service's owners.`,
    );
  }
  return new AccessDenied(
    403,
    `The external consumer "${consumer.name}" has no connection to the endpoint "${t.endpointName}" of ` +
      `${t.service.projectHandle}/${t.service.name}. Create a connection from ${consumer.name} to ${t.service.name}/${t.endpointName}.`,
  );
}
