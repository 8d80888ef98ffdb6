/**
 * What a tree row or a command argument points at, by handle. Commands accept these plain objects as arguments too,
 * so tests and webview forms can run them without prompts.
 */
import type { AuthConfiguration, ComponentType, Connection, Endpoint, Environment, IdentityProvider } from '../api';

export interface OrgRef {
  org: string;
}
export interface ProjectRef extends OrgRef {
  project: string;
}
export interface ComponentRef extends ProjectRef {
  component: string;
  componentId: string;
  type: ComponentType;
  displayName: string;
}
export interface EnvironmentRef extends ComponentRef {
  environment: string;
  environmentName: string;
  auth?: AuthConfiguration;
}
export interface ConnectionRef extends ComponentRef {
  connection: Connection;
}
export interface EndpointRef extends ComponentRef {
  endpoint: Endpoint;
}
/** An identity provider of an organization, as the tree lists it (with the consumers using it). */
export interface IdentityProviderRef extends OrgRef {
  identityProvider: IdentityProvider;
}
export type { Environment };
/** The test users of the built-in identity provider in one environment of an organization. */
export interface TestUsersRef extends OrgRef {
  environment: string;
  environmentName?: string;
}
