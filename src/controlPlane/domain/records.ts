/**
 * What the control plane stores, and the indexes it needs. Records hold ids of their parents; handles are kept
 * beside ids where the answer needs them (they never change after creation).
 */
import type { CollectionSpec } from '../store/store';
import type { EndpointInput } from '../../api/components';

export interface OrganizationRecord {
  id: string;
  handle: string;
  name: string;
  createdAt: string;
}

export interface EnvironmentRecord {
  id: string;
  orgId: string;
  handle: string;
  name: string;
  critical: boolean;
  /** Position in lists: Development before Production. */
  order: number;
}

export interface IdentityProviderRecord {
  id: string;
  orgId: string;
  kind: 'built-in' | 'external';
  name: string;
  description: string;
  wellKnownUrl?: string;
  /** External providers only; the built-in one's URLs follow from the base URL. */
  issuer?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  environments: 'all' | string[];
  /** External providers: the `aud` values their access tokens may carry; empty or absent means the gateway's own. */
  audiences?: string[];
  createdAt: string;
  refreshedAt?: string;
  /** External providers: the key IDs of their JWKS when registered or last refreshed (absent: it could not be read
   * then, or the provider was registered before they were kept). */
  signingKeyIds?: string[];
}

export interface ProjectRecord {
  id: string;
  orgId: string;
  orgHandle: string;
  handle: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface ComponentRecord {
  id: string;
  orgId: string;
  orgHandle: string;
  projectId: string;
  projectHandle: string;
  name: string;
  displayName: string;
  description: string;
  type: 'external-consumer' | 'service';
  endpoints?: Array<Required<Pick<EndpointInput, 'name' | 'visibility'>> & { upstreamUrls: Record<string, string> }>;
  createdAt: string;
  updatedAt: string;
}

export interface AuthConfigRecord {
  id: string;
  orgId: string;
  orgHandle: string;
  componentId: string;
  environment: string;
  identityProviderId: string;
  kind: 'built-in' | 'external';
  clientId: string;
  /** Built-in provider only: SHA-256 of the client secret (see idp/clientSecret.ts). */
  secretHash?: string;
  /** Built-in provider only: when Regenerate Secret last made a new secret (ISO). Tokens issued before it are refused
   * by the gateway (each token carries its secret's time, see idp/tokenEndpoint.ts). Absent: never regenerated. */
  secretRegeneratedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const C = {
  orgs: 'organizations',
  environments: 'environments',
  identityProviders: 'identityProviders',
  projects: 'projects',
  components: 'components',
  authConfigs: 'authConfigurations',
} as const;

export const coreCollections: CollectionSpec<any>[] = [
  {
    name: C.orgs,
    // Name first: when both collide, "that name is taken" is the message a person expects.
    unique: { name: (r: OrganizationRecord) => r.name.toLowerCase(), handle: (r: OrganizationRecord) => r.handle },
    ordered: { group: () => '', sort: (r: OrganizationRecord) => r.handle },
  } satisfies CollectionSpec<OrganizationRecord>,
  {
    name: C.environments,
    unique: { handle: (r: EnvironmentRecord) => `${r.orgId}/${r.handle}` },
    lookup: { org: (r: EnvironmentRecord) => r.orgId },
  } satisfies CollectionSpec<EnvironmentRecord>,
  {
    name: C.identityProviders,
    unique: { name: (r: IdentityProviderRecord) => `${r.orgId}/${r.name.toLowerCase()}` },
    lookup: { org: (r: IdentityProviderRecord) => r.orgId },
  } satisfies CollectionSpec<IdentityProviderRecord>,
  {
    name: C.projects,
    unique: { handle: (r: ProjectRecord) => `${r.orgId}/${r.handle}` },
    ordered: { group: (r: ProjectRecord) => r.orgId, sort: (r: ProjectRecord) => r.handle },
  } satisfies CollectionSpec<ProjectRecord>,
  {
    name: C.components,
    unique: { name: (r: ComponentRecord) => `${r.projectId}/${r.name}` },
    ordered: { group: (r: ComponentRecord) => r.projectId, sort: (r: ComponentRecord) => r.name },
  } satisfies CollectionSpec<ComponentRecord>,
  {
    name: C.authConfigs,
    unique: {
      slot: (r: AuthConfigRecord) => `${r.componentId}/${r.environment}`,
      // Client IDs of the built-in provider are ours and globally unique; an external provider's are not.
      clientId: (r: AuthConfigRecord) => (r.kind === 'built-in' ? r.clientId : undefined),
      // An external provider's Client ID names one app there, which belongs to one consumer (issue 4, Add Keys).
      externalClientId: (r: AuthConfigRecord) => (r.kind === 'external' ? `${r.identityProviderId}/${r.clientId}` : undefined),
    },
    lookup: { component: (r: AuthConfigRecord) => r.componentId },
  } satisfies CollectionSpec<AuthConfigRecord>,
];
