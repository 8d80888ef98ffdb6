/**
 * The control-plane client: keep-alive connections, time-outs, and every answer checked against the zod schemas of
 * `src/api/`, so the rest of the extension only ever sees shapes the contract promises.
 *
 * HTTP goes through the runtime's global `fetch`. In Node 20 (and the extension host's Electron) that IS undici, built
 * into the runtime, and its one global dispatcher keeps connections alive: so the extension ships no HTTP client of
 * its own (the undici package was ~1 MB of the extension bundle, all parsed at activation). Time-outs are an
 * `AbortSignal.timeout` per call, covering connect, headers and body.
 */
import { z } from 'zod';
import {
  ApiErrorBody,
  AuthConfiguration,
  Component,
  ConnectedConsumer,
  Connection,
  ConnectionConfig,
  Environment,
  IdentityProvider,
  ImportedTestUsers,
  IssuedKeys,
  Organization,
  RefreshedIdentityProvider,
  PAGE_LIMIT_DEFAULT,
  Project,
  TestUser,
  page,
  paths,
  type AddExternalKeys,
  type AddTestUser,
  type KeySettingsInput,
  type ComponentType,
  type CreateComponent,
  type CreateConnection,
  type CreateIdentityProvider,
  type CreateOrganization,
  type CreateProject,
  type Page,
  type UpdateEndpoint,
  type UpdateIdentityProvider,
} from '../api';
import { AuditEntry, Me, Member, type InviteMember, type Role } from '../api/members';
import { ControlPlaneError } from './errors';
import * as l10n from '@vscode/l10n';

export interface ListOptions {
  limit?: number;
  cursor?: string;
  prefix?: string;
}

export interface ClientOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7480`. */
  baseUrl: string;
  /** The Bearer token for `/api/v1`; asked for on every call so a restarted local control plane's token is picked up. */
  token: () => Promise<string | undefined>;
  /** Called when the control plane cannot be reached; resolving `true` means it is back and the call is tried once more. */
  recover?: () => Promise<boolean>;
  /** One line per call (method, path, status, time): never bodies, since they can carry secrets. */
  trace?: (line: string) => void;
  timeoutMs?: number;
}

const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
/** `degraded` (a team control plane whose database is away) still answers tokens and gateway calls for known clients. */
const Health = z.object({ status: z.enum(['ok', 'degraded']), reason: z.string().optional(), version: z.string().optional() }).loose();

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ControlPlaneClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  // ---- organizations, environments, identity providers
  health() {
    return this.call('GET', '/healthz', Health, { auth: false });
  }
  listOrganizations(o: ListOptions = {}) {
    return this.call('GET', paths.orgs(), page(Organization), { query: listQuery(o) }) as Promise<Page<Organization>>;
  }
  getOrganization(org: string) {
    return this.call('GET', paths.org(org), Organization);
  }
  createOrganization(body: CreateOrganization) {
    return this.call('POST', paths.orgs(), Organization, { body });
  }
  deleteOrganization(org: string) {
    return this.call('DELETE', paths.org(org), z.unknown());
  }
  listEnvironments(org: string) {
    return this.call('GET', paths.environments(org), Items(Environment)).then((r) => r.items);
  }
  listIdentityProviders(org: string) {
    return this.call('GET', paths.identityProviders(org), Items(IdentityProvider)).then((r) => r.items);
  }
  getIdentityProvider(org: string, idp: string) {
    return this.call('GET', paths.identityProvider(org, idp), IdentityProvider);
  }
  createIdentityProvider(org: string, body: CreateIdentityProvider) {
    return this.call('POST', paths.identityProviders(org), IdentityProvider, { body });
  }

  /** Sets the audiences an external provider's tokens must carry. */
  updateIdentityProvider(org: string, idp: string, body: UpdateIdentityProvider) {
    return this.call('PATCH', paths.identityProvider(org, idp), IdentityProvider, { body });
  }

  /** Re-reads the provider's Well-Known URL and JWKS; the answer says what changed. */
  refreshIdentityProvider(org: string, idp: string) {
    return this.call('POST', `${paths.identityProvider(org, idp)}/refresh`, RefreshedIdentityProvider, { body: {} });
  }
  /** Refused (409 `in_use`, naming the consumers in `uses`) while an external consumer's keys use it. */
  deleteIdentityProvider(org: string, idp: string) {
    return this.call('DELETE', paths.identityProvider(org, idp), z.unknown());
  }

  // ---- projects and components
  listProjects(org: string, o: ListOptions = {}) {
    return this.call('GET', paths.projects(org), page(Project), { query: listQuery(o) }) as Promise<Page<Project>>;
  }
  createProject(org: string, body: CreateProject) {
    return this.call('POST', paths.projects(org), Project, { body });
  }
  deleteProject(org: string, project: string) {
    return this.call('DELETE', paths.project(org, project), z.unknown());
  }
  listComponents(org: string, project: string, o: ListOptions & { type?: ComponentType } = {}) {
    const query = listQuery(o);
    if (o.type) query.type = o.type;
    return this.call('GET', paths.components(org, project), page(Component), { query }) as Promise<Page<Component>>;
  }
  getComponent(org: string, project: string, component: string) {
    return this.call('GET', paths.component(org, project, component), Component);
  }
  createComponent(org: string, project: string, body: CreateComponent) {
    return this.call('POST', paths.components(org, project), Component, { body });
  }
  deleteComponent(org: string, project: string, component: string) {
    return this.call('DELETE', paths.component(org, project, component), z.unknown());
  }

  // ---- a service's endpoints, and who is connected to them
  /** Changes one endpoint (its upstream URL per environment, its visibility); answers the service as it is now. */
  updateEndpoint(org: string, project: string, component: string, endpoint: string, body: UpdateEndpoint) {
    return this.call('PATCH', paths.endpoint(org, project, component, endpoint), Component, { body });
  }
  /** Revoke Connection (Admins of the service's organization): answers the connection as it is now, revoked. */
  revokeConnection(org: string, project: string, component: string, connectionId: string) {
    return this.call('POST', paths.revokeConnection(org, project, component, connectionId), ConnectedConsumer);
  }
  listConnectedConsumers(org: string, project: string, component: string) {
    return this.call('GET', paths.connectedConsumers(org, project, component), Items(ConnectedConsumer)).then((r) => r.items);
  }

  // ---- authentication of an external consumer, per environment
  listAuthConfigurations(org: string, project: string, component: string) {
    return this.call('GET', paths.auth(org, project, component), Items(AuthConfiguration)).then((r) => r.items);
  }
  generateKeys(org: string, project: string, component: string, env: string) {
    return this.call('POST', `${paths.authFor(org, project, component, env)}/generate-keys`, IssuedKeys, { body: {} });
  }
  regenerateSecret(org: string, project: string, component: string, env: string) {
    return this.call('POST', `${paths.authFor(org, project, component, env)}/regenerate-secret`, IssuedKeys, { body: {} });
  }
  deleteAuthConfiguration(org: string, project: string, component: string, env: string) {
    return this.call('DELETE', paths.authFor(org, project, component, env), z.unknown());
  }
  addExternalKeys(org: string, project: string, component: string, env: string, body: AddExternalKeys) {
    return this.call('PUT', `${paths.authFor(org, project, component, env)}/external`, AuthConfiguration, { body });
  }

  /** Saves the built-in provider's key settings of one environment; answers the keys as they are now. */
  updateKeySettings(org: string, project: string, component: string, env: string, body: KeySettingsInput) {
    return this.call('PUT', paths.keySettings(org, project, component, env), AuthConfiguration, { body });
  }

  // ---- test users of the built-in identity provider, per environment (passwords go in, never come back)
  listTestUsers(org: string, env: string) {
    return this.call('GET', paths.testUsers(org, env), Items(TestUser)).then((r) => r.items);
  }
  addTestUser(org: string, env: string, body: AddTestUser) {
    return this.call('POST', paths.testUsers(org, env), TestUser, { body });
  }
  /** Any bad line imports nothing: a 400 whose `fields` name each line ("line 3") and what to fix. */
  importTestUsers(org: string, env: string, csv: string) {
    return this.call('POST', paths.importTestUsers(org, env), ImportedTestUsers, { body: { csv } });
  }
  deleteTestUser(org: string, env: string, username: string) {
    return this.call('DELETE', paths.testUser(org, env, username), z.unknown());
  }
  resetTestUserPassword(org: string, env: string, username: string, password: string) {
    return this.call('POST', paths.resetTestUserPassword(org, env, username), z.unknown(), { body: { password } });
  }

  // ---- connections
  listConnections(org: string, project: string, component: string) {
    return this.call('GET', paths.connections(org, project, component), Items(Connection)).then((r) => r.items);
  }
  createConnection(org: string, project: string, component: string, body: CreateConnection) {
    return this.call('POST', paths.connections(org, project, component), Connection, { body });
  }
  deleteConnection(org: string, project: string, component: string, connection: string) {
    return this.call('DELETE', paths.connection(org, project, component, connection), z.unknown());
  }
  getConnectionConfig(org: string, project: string, component: string, connection: string, env: string) {
    return this.call('GET', paths.connectionConfig(org, project, component, connection, env), ConnectionConfig);
  }

  // ---- team members (a team control plane started with --users-idp)
  me() {
    return this.call('GET', paths.me(), Me);
  }
  listMembers(org: string) {
    return this.call('GET', paths.members(org), Items(Member)).then((r) => r.items);
  }
  inviteMember(org: string, body: InviteMember) {
    return this.call('POST', paths.members(org), Member, { body });
  }
  changeMemberRole(org: string, member: string, role: Role) {
    return this.call('PATCH', paths.member(org, member), Member, { body: { role } });
  }
  removeMember(org: string, member: string) {
    return this.call('DELETE', paths.member(org, member), z.unknown());
  }
  listAudit(org: string, o: { limit?: number; cursor?: string } = {}) {
    const query: Record<string, string> = { limit: String(o.limit ?? PAGE_LIMIT_DEFAULT) };
    if (o.cursor) query.cursor = o.cursor;
    return this.call('GET', paths.audit(org), page(AuditEntry), { query }) as Promise<Page<AuditEntry>>;
  }

  /** One call, checked: the answer must match `schema`, an error answer becomes a {@link ControlPlaneError}. */
  async call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; query?: Record<string, string>; auth?: boolean } = {},
  ): Promise<z.infer<S>> {
    try {
      return await this.once(method, path, schema, o);
    } catch (e) {
      // A refused connection never reached the server, so trying again cannot apply a write twice.
      if (e instanceof ControlPlaneError && e.code === 'unreachable' && this.options.recover && (await this.options.recover())) {
        return this.once(method, path, schema, o);
      }
      throw e;
    }
  }

  private async once<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; query?: Record<string, string>; auth?: boolean },
  ): Promise<z.infer<S>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.auth !== false) {
      const token = await this.options.token();
      if (token) headers.authorization = `Bearer ${token}`;
    }
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      // `redirect: 'manual'`: a redirect is an answer the contract does not have, not something to follow.
      const res = await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (e) {
      this.options.trace?.(`${method} ${path} failed: ${(e as Error).message}`);
      throw transportError(e, this.baseUrl);
    }
    this.options.trace?.(`${method} ${path} ${status} ${Math.round(performance.now() - started)}ms`);
    const json = parseJson(text);
    if (status >= 400) throw apiError(status, json, this.baseUrl);
    // An empty answer (204) is checked too: only a schema that allows nothing (the deletes' z.unknown()) accepts it.
    const parsed = schema.safeParse(status === 204 || text === '' ? undefined : json);
    if (!parsed.success) {
      throw new ControlPlaneError(
        'bad_response',
        l10n.t`The control plane at ${this.baseUrl} answered ${method} ${path} with a shape this extension does not understand (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message}). Are the extension and the control plane the same version?`,
        status,
      );
    }
    return parsed.data;
  }
}

function listQuery(o: ListOptions): Record<string, string> {
  const q: Record<string, string> = { limit: String(o.limit ?? PAGE_LIMIT_DEFAULT) };
  if (o.cursor) q.cursor = o.cursor;
  if (o.prefix) q.prefix = o.prefix;
  return q;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiError(status: number, json: unknown, baseUrl: string): ControlPlaneError {
  const body = ApiErrorBody.safeParse(json);
  if (body.success) {
    const { code, message, fields, uses } = body.data.error;
    if (code === 'unauthorized') {
      return new ControlPlaneError(code, l10n.t`The control plane at ${baseUrl} refused the access token: ${message}`, status, fields);
    }
    return new ControlPlaneError(code, message, status, fields, uses);
  }
  if (status === 401) return new ControlPlaneError('unauthorized', l10n.t`The control plane at ${baseUrl} refused the access token.`, status);
  if (status === 404) return new ControlPlaneError('not_found', l10n.t`The control plane at ${baseUrl} has no such resource or route (404).`, status);
  return new ControlPlaneError(status >= 500 ? 'internal' : 'bad_response', l10n.t`The control plane at ${baseUrl} answered ${status}.`, status);
}

/** undici's own time-out codes, which fetch reports as the `cause` of its "fetch failed" TypeError. */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function transportError(e: unknown, baseUrl: string): ControlPlaneError {
  // Our AbortSignal.timeout fired (before the answer, or while its body was read): a DOMException named TimeoutError.
  const name = (e as { name?: string }).name;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (e as { code?: string }).code ?? '';
  if (name === 'TimeoutError' || UNDICI_TIMEOUTS.has(code)) {
    return new ControlPlaneError('timeout', l10n.t`The control plane at ${baseUrl} did not answer in time.`);
  }
  return new ControlPlaneError('unreachable', l10n.t`The control plane at ${baseUrl} cannot be reached (${code || cause?.message || (e as Error).message}).`);
}
