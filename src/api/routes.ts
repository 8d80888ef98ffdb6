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
 *   GET|PATCH|DELETE /api/v1/orgs/:org/identity-providers/:idp   (PATCH: { audiences })
 *   POST            /api/v1/orgs/:org/identity-providers/:idp/refresh  → RefreshedIdentityProvider
 *   GET|POST        /api/v1/orgs/:org/projects            → Page<Project> | Project (201)
 *   GET|PATCH|DELETE /api/v1/orgs/:org/projects/:project
 *   GET|POST        …/projects/:project/components        → Page<Component> | Component (201)   (?type= filters)
 *   GET|PATCH|DELETE …/components/:component          (DELETE of a service with connections: 409 in_use)
 *   PATCH           …/components/:component/endpoints/:endpoint  → Component   (UpdateEndpoint)
 *   GET             …/components/:component/connected-consumers → { items: ConnectedConsumer[] }  (services)
 *   POST            …/components/:component/connected-consumers/:connection/revoke → ConnectedConsumer (Admins)
 *   GET             …/components/:component/auth           → { items: AuthConfiguration[] }
 *   GET|DELETE      …/components/:component/auth/:env      → AuthConfiguration
 *   POST            …/components/:component/auth/:env/generate-keys      → IssuedKeys (201)
 *   POST            …/components/:component/auth/:env/regenerate-secret  → IssuedKeys
 *   PUT             …/components/:component/auth/:env/external           → AuthConfiguration   (Add Keys)
 *   PUT             …/components/:component/auth/:env/key-settings       → AuthConfiguration   (KeySettings)
 *   GET|POST        /api/v1/orgs/:org/environments/:env/users            → { items: TestUser[] } | TestUser (201)
 *   POST            /api/v1/orgs/:org/environments/:env/users/import     → ImportedTestUsers (201; any bad line: 400)
 *   DELETE          /api/v1/orgs/:org/environments/:env/users/:user      → 204 (ends sessions, revokes refresh tokens)
 *   POST            /api/v1/orgs/:org/environments/:env/users/:user/reset-password → 204 (the same)
 *   GET|POST        …/components/:component/connections    → { items: Connection[] } | Connection (201)
 *   GET|DELETE      …/components/:component/connections/:connection
 *   GET             …/components/:component/connections/:connection/config/:env → ConnectionConfig
 *   POST            /api/v1/signing-keys/rotate            → { kid }   (built-in provider key rotation)
 *   GET             /api/v1/sign-in                        → SignInInfo (no token needed; 404 without --users-idp)
 *   GET             /api/v1/me                             → Me
 *   GET|POST        /api/v1/orgs/:org/members              → { items: Member[] } | Member (201)
 *   PATCH|DELETE    /api/v1/orgs/:org/members/:member      → Member | 204
 *   DELETE          /api/v1/orgs/:org/members/me           → 204 (leave)
 *   GET             /api/v1/orgs/:org/audit                → Page<AuditEntry>, newest first
 *   GET             /api/v1/audit?org=<id or handle>       → Page<AuditEntry> (the operator: a deleted organization's too)
 *   GET|POST        /api/v1/tokens                         → { items: PersonalAccessToken[] } | IssuedPersonalAccessToken (201)
 *   DELETE          /api/v1/tokens/:token
 * Who may call each of these is in ACCESS below.
 *
 * Built-in identity provider, one issuer per organization:
 *   {base}/oauth2/:org                                     issuer
 *   {base}/oauth2/:org/.well-known/openid-configuration    discovery
 *   {base}/oauth2/:org/jwks                                JWKS
 *   {base}/oauth2/:org/token                               token endpoint (client_credentials, authorization_code, refresh_token)
 *   {base}/oauth2/:org/authorize                           authorization endpoint: the sign-in page (GET), its form (POST)
 *   {base}/oauth2/:org/userinfo                            OIDC userinfo (GET, POST)
 *   {base}/oauth2/:org/revoke                              RFC 7009 revocation (POST)
 *   {base}/oauth2/:org/logout                              RP-initiated logout (GET, POST)
 * Gateway: {base}/gw/:org/:project/:component/:endpoint/:env/…  → the endpoint's upstream in that environment.
 */
import type { Role } from './roles';

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
  component: (org: string, project: string, component: string) => `${paths.components(org, project)}/${seg(component)}`,
  auth: (org: string, project: string, component: string) => `${paths.component(org, project, component)}/auth`,
  authFor: (org: string, project: string, component: string, env: string) => `${paths.auth(org, project, component)}/${seg(env)}`,
  keySettings: (org: string, project: string, component: string, env: string) => `${paths.authFor(org, project, component, env)}/key-settings`,
  testUsers: (org: string, env: string) => `${paths.environments(org)}/${seg(env)}/users`,
  testUser: (org: string, env: string, username: string) => `${paths.testUsers(org, env)}/${seg(username)}`,
  importTestUsers: (org: string, env: string) => `${paths.testUsers(org, env)}/import`,
  resetTestUserPassword: (org: string, env: string, username: string) => `${paths.testUser(org, env, username)}/reset-password`,
  endpoint: (org: string, project: string, component: string, endpoint: string) => `${paths.component(org, project, component)}/endpoints/${seg(endpoint)}`,
  connectedConsumers: (org: string, project: string, component: string) => `${paths.component(org, project, component)}/connected-consumers`,
  revokeConnection: (org: string, project: string, component: string, connectionId: string) =>
    `${paths.connectedConsumers(org, project, component)}/${seg(connectionId)}/revoke`,
  connections: (org: string, project: string, component: string) => `${paths.component(org, project, component)}/connections`,
  connection: (org: string, project: string, component: string, connection: string) => `${paths.connections(org, project, component)}/${seg(connection)}`,
  connectionConfig: (org: string, project: string, component: string, connection: string, env: string) =>
    `${paths.connection(org, project, component, connection)}/config/${seg(env)}`,
  rotateSigningKey: () => `${API_PREFIX}/signing-keys/rotate`,
  signIn: () => `${API_PREFIX}/sign-in`,
  me: () => `${API_PREFIX}/me`,
  members: (org: string) => `${paths.org(org)}/members`,
  member: (org: string, member: string) => `${paths.members(org)}/${seg(member)}`,
  leave: (org: string) => `${paths.members(org)}/me`,
  audit: (org: string) => `${paths.org(org)}/audit`,
  /** The operator's: any organization's log by its id (a deleted one's too) or a live one's handle. */
  operatorAudit: (org: string) => `${API_PREFIX}/audit?org=${encodeURIComponent(org)}`,
  tokens: () => `${API_PREFIX}/tokens`,
  token: (id: string) => `${paths.tokens()}/${seg(id)}`,
};

/**
 * Who may call a management route:
 * - `{ org: role }`: a member of the organization in the path with at least that role (the admin token always);
 *   with `person: true`, that member signed in as themself, not through a personal access token (leaving: it ends
 *   the person's membership and every token they have, which no token's role covers);
 * - `any`: whoever has a valid token (what they see is their own);
 * - `people`: a signed-in person or the admin token, not a personal access token (creating organizations);
 * - `user`: a signed-in person only (their own personal access tokens);
 * - `operator`: the admin token only.
 * Every route the server registers under /api/v1 must have its rule here: the router refuses to start otherwise, and
 * the role matrix test is generated from this table.
 */
export type Access = { org: Role; person?: true } | 'any' | 'people' | 'user' | 'operator';

const viewer = { org: 'viewer' } as const;
const developer = { org: 'developer' } as const;
const admin = { org: 'admin' } as const;
const component = '/orgs/:org/projects/:project/components/:component';

export const ACCESS: Readonly<Record<string, Access>> = {
  'GET /me': 'any',
  'GET /orgs': 'any',
  'POST /orgs': 'people',
  'GET /orgs/:org': viewer,
  'DELETE /orgs/:org': admin,
  'GET /orgs/:org/environments': viewer,
  'GET /orgs/:org/identity-providers': viewer,
  'POST /orgs/:org/identity-providers': admin,
  'GET /orgs/:org/identity-providers/:idp': viewer,
  'PATCH /orgs/:org/identity-providers/:idp': admin,
  'DELETE /orgs/:org/identity-providers/:idp': admin,
  'POST /orgs/:org/identity-providers/:idp/refresh': admin,
  'GET /orgs/:org/projects': viewer,
  'POST /orgs/:org/projects': developer,
  'GET /orgs/:org/projects/:project': viewer,
  'PATCH /orgs/:org/projects/:project': developer,
  'DELETE /orgs/:org/projects/:project': developer,
  'POST /orgs/:org/projects/:project/sample-service': developer,
  'GET /orgs/:org/projects/:project/components': viewer,
  'POST /orgs/:org/projects/:project/components': developer,
  [`GET ${component}`]: viewer,
  [`PATCH ${component}`]: developer,
  [`DELETE ${component}`]: developer,
  [`PATCH ${component}/endpoints/:endpoint`]: developer,
  [`GET ${component}/connected-consumers`]: viewer,
  // The service's owners cut off a consumer, of their organization or another one (issue 22, row 6).
  [`POST ${component}/connected-consumers/:connection/revoke`]: admin,
  [`GET ${component}/auth`]: viewer,
  [`GET ${component}/auth/:env`]: viewer,
  [`DELETE ${component}/auth/:env`]: developer,
  [`POST ${component}/auth/:env/generate-keys`]: developer,
  [`POST ${component}/auth/:env/regenerate-secret`]: developer,
  [`PUT ${component}/auth/:env/external`]: developer,
  [`PUT ${component}/auth/:env/key-settings`]: developer,
  [`GET ${component}/connections`]: viewer,
  [`POST ${component}/connections`]: developer,
  [`GET ${component}/connections/:connection`]: viewer,
  [`DELETE ${component}/connections/:connection`]: developer,
  [`GET ${component}/connections/:connection/config/:env`]: viewer,
  // Test users of the built-in identity provider (issue 24): people's passwords, so only admins change them.
  'GET /orgs/:org/environments/:env/users': viewer,
  'POST /orgs/:org/environments/:env/users': admin,
  'POST /orgs/:org/environments/:env/users/import': admin,
  'DELETE /orgs/:org/environments/:env/users/:user': admin,
  'POST /orgs/:org/environments/:env/users/:user/reset-password': admin,
  'GET /orgs/:org/members': viewer,
  'POST /orgs/:org/members': admin,
  'PATCH /orgs/:org/members/:member': admin,
  'DELETE /orgs/:org/members/:member': admin,
  'DELETE /orgs/:org/members/me': { org: 'viewer', person: true },
  'GET /orgs/:org/audit': admin,
  'GET /audit': 'operator',
  'GET /tokens': 'user',
  'POST /tokens': 'user',
  'DELETE /tokens/:token': 'user',
  'POST /signing-keys/rotate': 'operator',
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
