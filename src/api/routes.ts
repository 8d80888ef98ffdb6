/**
 * The management API's paths, in one place for the server's router and the extension's client.
 * Every path segment that names a resource is its handle (organization handle, project handle, component name,
 * environment handle, connection name), so URLs read like the product and stay stable across restarts.
 *
 *   GET  /healthz                                         → { status: "ok" | "degraded", reason?, version }
 *   GET|POST        /api/v1/orgs                          → Page<Organization> | Organization (201)
 *   GET|DELETE      /api/v1/orgs/:org
 *   GET             /api/v1/orgs/:org/environments        → { items: Environment[] }
 *   GET|POST        /api/v1/orgs/:org/identity-providers  → { items: IdentityProvider[] } | IdentityProvider (201)
 *   GET|DELETE      /api/v1/orgs/:org/identity-providers/:idp
 *   POST            /api/v1/orgs/:org/identity-providers/:idp/refresh
 *   GET|POST        /api/v1/orgs/:org/projects            → Page<Project> | Project (201)
 *   GET|PATCH|DELETE /api/v1/orgs/:org/projects/:project
 *   GET|POST        …/projects/:project/components        → Page<Component> | Component (201)   (?type= filters)
 *   GET|PATCH|DELETE …/components/:component
 *   GET             …/components/:component/auth           → { items: AuthConfiguration[] }
 *   GET|DELETE      …/components/:component/auth/:env      → AuthConfiguration
 *   POST            …/components/:component/auth/:env/generate-keys      → IssuedKeys (201)
 *   POST            …/components/:component/auth/:env/regenerate-secret  → IssuedKeys
 *   PUT             …/components/:component/auth/:env/external           → AuthConfiguration   (Add Keys)
 *   GET|POST        …/components/:component/connections    → { items: Connection[] } | Connection (201)
 *   GET|DELETE      …/components/:component/connections/:connection
 *   GET             …/components/:component/connections/:connection/config/:env → ConnectionConfig
 *   POST            /api/v1/signing-keys/rotate            → { kid }   (built-in provider key rotation)
 *
 * Built-in identity provider, one issuer per organization:
 *   {base}/oauth2/:org                                     issuer
 *   {base}/oauth2/:org/.well-known/openid-configuration    discovery
 *   {base}/oauth2/:org/jwks                                JWKS
 *   {base}/oauth2/:org/token                               token endpoint (client_credentials)
 * Gateway: {base}/gw/:org/:project/:component/:endpoint/:env/…  → the endpoint's upstream in that environment.
 */
export const API_PREFIX = '/api/v1';

const seg = encodeURIComponent;

export const paths = {
  orgs: () => `${API_PREFIX}/orgs`,
  org: (org: string) => `${API_PREFIX}/orgs/${seg(org)}`,
  environments: (org: string) => `${paths.org(org)}/environments`,
  identityProviders: (org: string) => `${paths.org(org)}/identity-providers`,
  identityProvider: (org: string, idp: string) => `${paths.identityProviders(org)}/${seg(idp)}`,
  projects: (org: string) => `${paths.org(org)}/projects`,
  project: (org: string, project: string) => `${paths.projects(org)}/${seg(project)}`,
  components: (org: string, project: string) => `${paths.project(org, project)}/components`,
  component: (org: string, project: string, component: string) =>
    `${paths.components(org, project)}/${seg(component)}`,
  auth: (org: string, project: string, component: string) => `${paths.component(org, project, component)}/auth`,
  authFor: (org: string, project: string, component: string, env: string) =>
    `${paths.auth(org, project, component)}/${seg(env)}`,
  connections: (org: string, project: string, component: string) =>
    `${paths.component(org, project, component)}/connections`,
  connection: (org: string, project: string, component: string, connection: string) =>
    `${paths.connections(org, project, component)}/${seg(connection)}`,
  connectionConfig: (org: string, project: string, component: string, connection: string, env: string) =>
    `${paths.connection(org, project, component, connection)}/config/${seg(env)}`,
  rotateSigningKey: () => `${API_PREFIX}/signing-keys/rotate`,
};

export function issuerUrl(base: string, org: string): string {
  return `${base}/oauth2/${seg(org)}`;
}
export function tokenUrl(base: string, org: string): string {
  return `${issuerUrl(base, org)}/token`;
}
export function gatewayUrl(base: string, org: string, project: string, component: string, endpoint: string, env: string): string {
  return `${base}/gw/${[org, project, component, endpoint, env].map(seg).join('/')}`;
}

/** The audience of the built-in provider's access tokens: the gateway of the control plane that issued them. */
export function gatewayAudience(base: string): string {
  return `${base}/gw`;
}
