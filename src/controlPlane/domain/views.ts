/** Stored records → the API's response shapes (src/api). URLs are derived from the base URL at answer time. */
import { DEFAULT_CORS } from '../../api/cors';
import type { AuthConfiguration } from '../../api/auth';
import { DEFAULT_KEY_SETTINGS, type KeySettings } from '../../api/keySettings';
import type { ResourceUse } from '../../api/common';
import type { Component } from '../../api/components';
import type { IdentityProvider } from '../../api/identityProviders';
import type { Environment, Organization, Project } from '../../api/organizations';
import { gatewayUrl, issuerUrl, tokenUrl } from '../../api/routes';
import type { AuthConfigRecord, ComponentRecord, EnvironmentRecord, IdentityProviderRecord, OrganizationRecord, ProjectRecord } from './records';

export const BUILT_IN_IDP_NAME = 'Choreo Built-in Identity Provider';

export const organizationView = (r: OrganizationRecord): Organization => ({ id: r.id, handle: r.handle, name: r.name, createdAt: r.createdAt });

export const environmentView = (r: EnvironmentRecord): Environment => ({ id: r.id, handle: r.handle, name: r.name, critical: r.critical });

export const projectView = (r: ProjectRecord): Project => ({
  id: r.id,
  orgHandle: r.orgHandle,
  handle: r.handle,
  name: r.name,
  description: r.description,
  createdAt: r.createdAt,
});

export function componentView(r: ComponentRecord, baseUrl: string, envHandles: string[]): Component {
  const c: Component = {
    id: r.id,
    orgHandle: r.orgHandle,
    projectHandle: r.projectHandle,
    name: r.name,
    displayName: r.displayName,
    description: r.description,
    type: r.type,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.type === 'service') {
    c.endpoints = (r.endpoints ?? []).map((e) => ({
      name: e.name,
      visibility: e.visibility,
      upstreamUrls: e.upstreamUrls,
      cors: e.cors ?? DEFAULT_CORS,
      gatewayUrls: Object.fromEntries(envHandles.map((env) => [env, gatewayUrl(baseUrl, r.orgHandle, r.projectHandle, r.name, e.name, env)])),
    }));
  }
  return c;
}

/** An external consumer as a refusal or a usage list names it, with the connection or environment of the use. */
export const resourceUse = (consumer: ComponentRecord, through: Pick<ResourceUse, 'connectionName' | 'environment'>): ResourceUse => ({
  orgHandle: consumer.orgHandle,
  projectHandle: consumer.projectHandle,
  componentName: consumer.name,
  displayName: consumer.displayName,
  ...through,
});

export function identityProviderView(r: IdentityProviderRecord, org: OrganizationRecord, baseUrl: string, usedBy?: ResourceUse[]): IdentityProvider {
  const builtIn = r.kind === 'built-in';
  const issuer = builtIn ? issuerUrl(baseUrl, org.handle) : r.issuer!;
  const idp: IdentityProvider = {
    id: r.id,
    orgHandle: org.handle,
    kind: r.kind,
    name: r.name,
    description: r.description,
    issuer,
    tokenEndpoint: builtIn ? tokenUrl(baseUrl, org.handle) : r.tokenEndpoint!,
    jwksUri: builtIn ? `${issuer}/jwks` : r.jwksUri!,
    environments: r.environments,
    createdAt: r.createdAt,
  };
  if (r.wellKnownUrl) idp.wellKnownUrl = r.wellKnownUrl;
  if (!builtIn) idp.audiences = r.audiences ?? [];
  if (r.refreshedAt) idp.refreshedAt = r.refreshedAt;
  if (usedBy) idp.usedBy = usedBy;
  return idp;
}

/** The key settings of built-in keys; keys made before key settings existed keep the defaults (client_credentials). */
export function keySettingsOf(r: AuthConfigRecord): KeySettings {
  return r.keySettings ?? DEFAULT_KEY_SETTINGS;
}

export function authConfigurationView(r: AuthConfigRecord, idp: IdentityProviderRecord | undefined, baseUrl: string): AuthConfiguration {
  return {
    componentId: r.componentId,
    environment: r.environment,
    identityProviderId: r.identityProviderId,
    identityProviderKind: r.kind,
    identityProviderName: idp?.name ?? (r.kind === 'built-in' ? BUILT_IN_IDP_NAME : 'Removed identity provider'),
    clientId: r.clientId,
    hasSecret: r.secretHash !== undefined,
    ...(r.secretRegeneratedAt ? { secretRegeneratedAt: r.secretRegeneratedAt } : {}),
    tokenUrl: r.kind === 'built-in' ? tokenUrl(baseUrl, r.orgHandle) : (idp?.tokenEndpoint ?? ''),
    ...(r.kind === 'built-in' ? { keySettings: keySettingsOf(r) } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
