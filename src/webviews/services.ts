/**
 * What the panel hosts need from the rest of the extension. The control-plane client (src/client) and the credential
 * vault (src/secrets) satisfy these interfaces as they are; the forms depend on these few methods only.
 */
import type {
  AddExternalKeys,
  AuthConfiguration,
  Component,
  ComponentType,
  Connection,
  CreateComponent,
  CreateConnection,
  Environment,
  IdentityProvider,
  IssuedKeys,
  Organization,
  Page,
  Project,
} from '../api';
import type { FormError } from './ipc';

export interface FormsClient {
  /** Keys the vault's entries, so secrets of two control planes never mix. */
  readonly baseUrl: string;
  listOrganizations(o?: { limit?: number; cursor?: string }): Promise<Page<Organization>>;
  listProjects(org: string, o?: { limit?: number; cursor?: string }): Promise<Page<Project>>;
  listEnvironments(org: string): Promise<Environment[]>;
  listIdentityProviders(org: string): Promise<IdentityProvider[]>;
  listComponents(org: string, project: string, o?: { limit?: number; cursor?: string; type?: ComponentType }): Promise<Page<Component>>;
  getComponent(org: string, project: string, component: string): Promise<Component>;
  createComponent(org: string, project: string, body: CreateComponent): Promise<Component>;
  listAuthConfigurations(org: string, project: string, component: string): Promise<AuthConfiguration[]>;
  generateKeys(org: string, project: string, component: string, env: string): Promise<IssuedKeys>;
  regenerateSecret(org: string, project: string, component: string, env: string): Promise<IssuedKeys>;
  addExternalKeys(org: string, project: string, component: string, env: string, body: AddExternalKeys): Promise<AuthConfiguration>;
  listConnections(org: string, project: string, component: string): Promise<Connection[]>;
  createConnection(org: string, project: string, component: string, body: CreateConnection): Promise<Connection>;
}

export interface ConsumerSecretRef {
  controlPlane: string;
  componentId: string;
  environment: string;
  identityProvider?: string;
}

export interface FormsVault {
  getConsumerSecret(ref: ConsumerSecretRef): Thenable<string | undefined>;
  storeConsumerSecret(ref: ConsumerSecretRef, secret: string): Promise<void>;
  deleteConsumerSecret(ref: ConsumerSecretRef): Promise<unknown>;
}

export interface FormsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WebviewServices {
  /** Asked at each use: the extension may switch control planes while a panel is open, or still be starting one. */
  client(): Promise<FormsClient>;
  readonly vault: FormsVault;
  readonly log: FormsLog;
  /** Told after a form changed a component (created it, configured keys, added a connection), e.g. to refresh the tree. */
  onComponentChanged?(component: { orgHandle: string; projectHandle: string; name: string }): void;
}

/**
 * Turns whatever a call threw into a form error: the API's stable code, its sentence, and its field problems keyed by
 * the form's field names, so "name already taken" lands under the unique name.
 */
export function toFormError(e: unknown, fieldFor: Partial<Record<string, string>> = {}): FormError {
  const err = e as { code?: unknown; message?: unknown; fields?: unknown };
  const code = typeof err?.code === 'string' ? err.code : 'internal';
  const message = typeof err?.message === 'string' && err.message ? err.message : 'Something went wrong. See the Choreo log.';
  const fields: Record<string, string> = {};
  if (Array.isArray(err?.fields)) {
    for (const f of err.fields as { path?: unknown; message?: unknown }[]) {
      if (typeof f?.path !== 'string' || typeof f.message !== 'string') continue;
      const last = f.path.split(/[./]/).filter(Boolean).pop() ?? '';
      const field = fieldFor[last] ?? last;
      if (field && !fields[field]) fields[field] = f.message;
    }
  }
  // Codes that always concern one field, even when the server names none.
  const codeField = fieldFor[`code:${code}`];
  if (codeField && !fields[codeField]) fields[codeField] = message;
  return { type: 'formError', code, message: message.slice(0, 2000), fields };
}

/** Field errors from a failed zod check of the API's request schema, keyed by the top-level field. */
export function zodFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? '');
    if (key && !fields[key]) fields[key] = i.message;
  }
  return fields;
}
