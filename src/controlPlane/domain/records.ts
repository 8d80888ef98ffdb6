/**
 * What the control plane stores, and the indexes it needs. Records hold ids of their parents; handles are kept
 * beside ids where the answer needs them (they never change after creation).
 *
 * Each collection is declared once (store/collection.ts): its record type, both stores' indexes and the PostgreSQL
 * table's columns follow from it. A new field: a line here, and a migration that adds its column.
 */
import type { CorsSetting } from '../../api/cors';
import { bool, collection, inColumn, int, json, optional, text, time, uuid, type DeclaredCollection, type StoredAs } from '../store/collection';
import type { EndpointInput } from '../../api/components';
import type { KeySettings } from '../../api/keySettings';

export const C = {
  orgs: 'organizations',
  environments: 'environments',
  identityProviders: 'identityProviders',
  projects: 'projects',
  components: 'components',
  authConfigs: 'authConfigurations',
} as const;

const organizations = collection({
  name: C.orgs,
  fields: { handle: text(), name: text(), createdAt: time() },
  computed: { nameKey: (r) => r.name.toLowerCase() },
  // Name first: when both collide, "that name is taken" is the message a person expects.
  unique: { name: ['nameKey'], handle: ['handle'] },
  ordered: { sort: 'handle' },
});
export type OrganizationRecord = StoredAs<typeof organizations>;

const environments = collection({
  name: C.environments,
  fields: {
    orgId: uuid(),
    handle: text(),
    name: text(),
    critical: bool(),
    /** Position in lists: Development before Production. */
    order: inColumn('position', int()),
  },
  unique: { handle: ['orgId', 'handle'] },
  lookup: { org: ['orgId'] },
});
export type EnvironmentRecord = StoredAs<typeof environments>;

const identityProviders = collection({
  name: C.identityProviders,
  fields: {
    orgId: uuid(),
    kind: text<'built-in' | 'external'>(),
    name: text(),
    description: text(),
    wellKnownUrl: optional(text()),
    /** External providers only; the built-in one's URLs follow from the base URL. */
    issuer: optional(text()),
    tokenEndpoint: optional(text()),
    jwksUri: optional(text()),
    environments: json<'all' | string[]>(),
    /** External providers: the `aud` values their access tokens may carry; empty or absent means the gateway's own. */
    audiences: optional(json<string[]>()),
    createdAt: time(),
    refreshedAt: optional(time()),
    /** External providers: the key IDs of their JWKS when registered or last refreshed (absent: it could not be read
     * then, or the provider was registered before they were kept). */
    signingKeyIds: optional(json<string[]>()),
  },
  computed: { nameKey: (r) => r.name.toLowerCase() },
  unique: { name: ['orgId', 'nameKey'] },
  lookup: { org: ['orgId'] },
});
export type IdentityProviderRecord = StoredAs<typeof identityProviders>;

const projects = collection({
  name: C.projects,
  fields: { orgId: uuid(), orgHandle: text(), handle: text(), name: text(), description: text(), createdAt: time() },
  unique: { handle: ['orgId', 'handle'] },
  ordered: { group: 'orgId', sort: 'handle' },
});
export type ProjectRecord = StoredAs<typeof projects>;

/** A service's endpoint as stored: its name, visibility and upstream URL in each environment, and its CORS setting
 * when one was set (absent: the default, DEFAULT_CORS; in the endpoints' JSON, so no column of its own). */
export type StoredEndpoint = Required<Pick<EndpointInput, 'name' | 'visibility'>> & { upstreamUrls: Record<string, string>; cors?: CorsSetting };

const components = collection({
  name: C.components,
  fields: {
    orgId: uuid(),
    orgHandle: text(),
    projectId: uuid(),
    projectHandle: text(),
    name: text(),
    displayName: text(),
    description: text(),
    type: text<'external-consumer' | 'service'>(),
    endpoints: optional(json<StoredEndpoint[]>()),
    createdAt: time(),
    updatedAt: time(),
  },
  unique: { name: ['projectId', 'name'] },
  ordered: { group: 'projectId', sort: 'name' },
});
export type ComponentRecord = StoredAs<typeof components>;

const authConfigs = collection({
  name: C.authConfigs,
  fields: {
    orgId: uuid(),
    orgHandle: text(),
    componentId: uuid(),
    environment: text(),
    identityProviderId: uuid(),
    kind: text<'built-in' | 'external'>(),
    clientId: text(),
    /** Built-in provider only: SHA-256 of the client secret (see idp/clientSecret.ts). */
    secretHash: optional(text()),
    /** Built-in provider only: when Regenerate Secret last made a new secret (ISO). Tokens issued before it are refused
     * by the gateway (each token carries its secret's time, see idp/tokenEndpoint.ts). Absent: never regenerated. */
    secretRegeneratedAt: optional(time()),
    /** Built-in provider only: its key settings (api/keySettings.ts); absent for keys made before they existed, which
     * keep DEFAULT_KEY_SETTINGS (see keySettingsOf). */
    keySettings: optional(json<KeySettings>()),
    createdAt: time(),
    updatedAt: time(),
  },
  unique: {
    slot: ['componentId', 'environment'],
    // Client IDs of the built-in provider are ours and globally unique; an external provider's are not.
    clientId: { parts: ['clientId'], only: { field: 'kind', equals: 'built-in' } },
    // An external provider's Client ID names one app there, which belongs to one consumer (issue 4, Add Keys).
    externalClientId: { parts: ['identityProviderId', 'clientId'], only: { field: 'kind', equals: 'external' } },
  },
  lookup: { component: ['componentId'] },
});
export type AuthConfigRecord = StoredAs<typeof authConfigs>;

export const coreCollections: DeclaredCollection[] = [organizations, environments, identityProviders, projects, components, authConfigs];
