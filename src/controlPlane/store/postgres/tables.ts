/**
 * How each collection of the Store maps onto its PostgreSQL table (created by migrations.ts): a column per record
 * field, the Store's unique indexes as UNIQUE indexes over columns, lookups and the ordered list as plain indexes.
 *
 * The Store addresses an index by a key string built by the collection's key function (`${orgId}/${handle}`); here
 * each index names the columns that key is made of. The leading parts are always ids (UUIDs, which hold no `/` or
 * `>`), so a key splits unambiguously at its first separators and the last column takes the rest.
 *
 * Columns whose value the Store's key functions compute (a lower-cased name) are written by the store from those
 * functions, not by SQL's lower(), whose case mapping depends on the database's locale and differs from JavaScript's.
 */
import { CONNECTIONS } from '../../connections/records';
import { C } from '../../domain/records';
import { inviteKey, M, subjectKey } from '../../members/records';

export type ColumnKind = 'uuid' | 'text' | 'bool' | 'int' | 'json' | 'time';

export interface Column {
  column: string;
  /** The record field it holds; absent for a key column computed from the record (`derive`). */
  field?: string;
  kind: ColumnKind;
  /** The field may be absent (NULL in the table). */
  optional?: boolean;
  derive?: (record: any) => unknown;
}

export interface IndexColumns {
  columns: string[];
  /** Extra condition of a partial index (the Store's key function answers undefined for the other rows). */
  where?: string;
  /** The key function writes '' for a record whose (last) column is NULL (`r.userId ?? ''`): '' finds those. */
  emptyIsNull?: boolean;
}

export interface TableMapping {
  table: string;
  columns: Column[];
  /** Store index name → the columns of its UNIQUE index, named `<table>_<index>_key` in the schema. */
  unique: Record<string, IndexColumns>;
  lookup: Record<string, IndexColumns>;
  /** group column (none: one list of the whole table) and sort column of the Store's ordered list. */
  ordered?: { group?: string; sort: string };
}

const id: Column = { column: 'id', field: 'id', kind: 'uuid' };
const col = (column: string, field: string, kind: ColumnKind, optional = false): Column => ({ column, field, kind, optional });

export const tables: Record<string, TableMapping> = {
  [C.orgs]: {
    table: 'organizations',
    columns: [
      id,
      col('handle', 'handle', 'text'),
      col('name', 'name', 'text'),
      { column: 'name_key', kind: 'text', derive: (r) => r.name.toLowerCase() },
      col('created_at', 'createdAt', 'time'),
    ],
    unique: { name: { columns: ['name_key'] }, handle: { columns: ['handle'] } },
    lookup: {},
    ordered: { sort: 'handle' },
  },
  [C.environments]: {
    table: 'environments',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('handle', 'handle', 'text'),
      col('name', 'name', 'text'),
      col('critical', 'critical', 'bool'),
      col('position', 'order', 'int'),
    ],
    unique: { handle: { columns: ['org_id', 'handle'] } },
    lookup: { org: { columns: ['org_id'] } },
  },
  [C.identityProviders]: {
    table: 'identity_providers',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('kind', 'kind', 'text'),
      col('name', 'name', 'text'),
      { column: 'name_key', kind: 'text', derive: (r) => r.name.toLowerCase() },
      col('description', 'description', 'text'),
      col('well_known_url', 'wellKnownUrl', 'text', true),
      col('issuer', 'issuer', 'text', true),
      col('token_endpoint', 'tokenEndpoint', 'text', true),
      col('jwks_uri', 'jwksUri', 'text', true),
      col('environments', 'environments', 'json'),
      col('audiences', 'audiences', 'json', true),
      col('created_at', 'createdAt', 'time'),
      col('refreshed_at', 'refreshedAt', 'time', true),
      col('signing_key_ids', 'signingKeyIds', 'json', true),
    ],
    unique: { name: { columns: ['org_id', 'name_key'] } },
    lookup: { org: { columns: ['org_id'] } },
  },
  [C.projects]: {
    table: 'projects',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('org_handle', 'orgHandle', 'text'),
      col('handle', 'handle', 'text'),
      col('name', 'name', 'text'),
      col('description', 'description', 'text'),
      col('created_at', 'createdAt', 'time'),
    ],
    unique: { handle: { columns: ['org_id', 'handle'] } },
    lookup: {},
    ordered: { group: 'org_id', sort: 'handle' },
  },
  [C.components]: {
    table: 'components',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('org_handle', 'orgHandle', 'text'),
      col('project_id', 'projectId', 'uuid'),
      col('project_handle', 'projectHandle', 'text'),
      col('name', 'name', 'text'),
      col('display_name', 'displayName', 'text'),
      col('description', 'description', 'text'),
      col('type', 'type', 'text'),
      col('endpoints', 'endpoints', 'json', true),
      col('created_at', 'createdAt', 'time'),
      col('updated_at', 'updatedAt', 'time'),
    ],
    unique: { name: { columns: ['project_id', 'name'] } },
    lookup: {},
    ordered: { group: 'project_id', sort: 'name' },
  },
  [C.authConfigs]: {
    table: 'auth_configurations',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('org_handle', 'orgHandle', 'text'),
      col('component_id', 'componentId', 'uuid'),
      col('environment', 'environment', 'text'),
      col('identity_provider_id', 'identityProviderId', 'uuid'),
      col('kind', 'kind', 'text'),
      col('client_id', 'clientId', 'text'),
      col('secret_hash', 'secretHash', 'text', true),
      col('secret_regenerated_at', 'secretRegeneratedAt', 'time', true),
      col('created_at', 'createdAt', 'time'),
      col('updated_at', 'updatedAt', 'time'),
    ],
    unique: {
      slot: { columns: ['component_id', 'environment'] },
      clientId: { columns: ['client_id'], where: "kind = 'built-in'" },
      externalClientId: { columns: ['identity_provider_id', 'client_id'], where: "kind = 'external'" },
    },
    lookup: { component: { columns: ['component_id'] } },
  },
  [CONNECTIONS]: {
    table: 'connections',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('component_id', 'componentId', 'uuid'),
      col('name', 'name', 'text'),
      { column: 'name_key', kind: 'text', derive: (r) => r.name.toLowerCase() },
      col('service_component_id', 'serviceComponentId', 'uuid'),
      col('service_org_handle', 'serviceOrgHandle', 'text', true),
      col('service_project_handle', 'serviceProjectHandle', 'text'),
      col('service_component_name', 'serviceComponentName', 'text'),
      col('endpoint_name', 'endpointName', 'text'),
      col('created_at', 'createdAt', 'time'),
      col('revoked', 'revoked', 'json', true),
    ],
    unique: { name: { columns: ['component_id', 'name_key'] } },
    lookup: {
      target: { columns: ['service_component_id', 'endpoint_name'] },
      service: { columns: ['service_component_id'] },
      pair: { columns: ['component_id', 'service_component_id', 'endpoint_name'] },
    },
    ordered: { group: 'component_id', sort: 'name_key' },
  },
  [M.users]: {
    table: 'users',
    columns: [
      id,
      col('issuer', 'issuer', 'text'),
      col('subject', 'subject', 'text'),
      { column: 'subject_key', kind: 'text', derive: (r) => subjectKey(r.issuer, r.subject) },
      col('name', 'name', 'text', true),
      col('email', 'email', 'text', true),
      // Only a verified email finds its person (the Store's key function says how).
      { column: 'email_key', kind: 'text', derive: (r) => (r.emailVerified && r.email ? r.email.toLowerCase() : '') },
      col('email_verified', 'emailVerified', 'bool'),
      col('created_at', 'createdAt', 'time'),
      col('updated_at', 'updatedAt', 'time'),
    ],
    unique: { subject: { columns: ['subject_key'] } },
    lookup: { email: { columns: ['email_key'] }, bySubject: { columns: ['subject'] } },
  },
  [M.members]: {
    table: 'members',
    columns: [
      id,
      col('org_id', 'orgId', 'uuid'),
      col('org_handle', 'orgHandle', 'text'),
      col('role', 'role', 'text'),
      col('user_id', 'userId', 'uuid', true),
      col('invited_email', 'invitedEmail', 'text', true),
      col('invited_subject', 'invitedSubject', 'text', true),
      // '' for a membership: its invitation was taken.
      { column: 'invitation_key', kind: 'text', derive: (r) => (r.userId ? '' : inviteKey(r)) },
      col('invited_by', 'invitedBy', 'text'),
      col('created_at', 'createdAt', 'time'),
      col('updated_at', 'updatedAt', 'time'),
    ],
    unique: {
      user: { columns: ['org_id', 'user_id'], where: 'user_id IS NOT NULL' },
      invitation: { columns: ['org_id', 'invitation_key'], where: 'user_id IS NULL' },
    },
    lookup: {
      org: { columns: ['org_id'] },
      user: { columns: ['user_id'], emptyIsNull: true },
      invitation: { columns: ['invitation_key'] },
    },
  },
  [M.tokens]: {
    table: 'personal_access_tokens',
    columns: [
      id,
      col('user_id', 'userId', 'uuid'),
      col('org_id', 'orgId', 'uuid'),
      col('org_handle', 'orgHandle', 'text'),
      col('name', 'name', 'text'),
      col('role', 'role', 'text'),
      col('hash', 'hash', 'text'),
      col('created_at', 'createdAt', 'time'),
      col('expires_at', 'expiresAt', 'time'),
      col('last_used_at', 'lastUsedAt', 'time', true),
    ],
    unique: { hash: { columns: ['hash'] } },
    lookup: { user: { columns: ['user_id'] }, org: { columns: ['org_id'] } },
  },
  [M.audit]: {
    table: 'audit_log',
    columns: [
      id,
      // Text, not uuid: '' for a write under no organization.
      col('org_id', 'orgId', 'text'),
      col('sort_key', 'sortKey', 'text'),
      col('at', 'at', 'time'),
      col('actor', 'actor', 'json'),
      col('action', 'action', 'text'),
      col('resource', 'resource', 'text'),
      col('address', 'address', 'text'),
      col('status', 'status', 'int'),
    ],
    unique: {},
    lookup: {},
    ordered: { group: 'org_id', sort: 'sort_key' },
  },
};

/** The name of the UNIQUE index behind a Store unique index (what PostgreSQL reports as the violated constraint). */
export const uniqueIndexName = (mapping: TableMapping, index: string) => `${mapping.table}_${index.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_key`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The column values a Store key stands for (null: the column is NULL, see emptyIsNull); undefined when it cannot name a
 * row (an id part that is no UUID). */
export function splitKey(mapping: TableMapping, index: IndexColumns, key: string): unknown[] | undefined {
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < index.columns.length - 1; i++) {
    const at = rest.search(/[/>]/);
    if (at === -1) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  const values: unknown[] = parts;
  for (let i = 0; i < parts.length; i++) {
    if (index.emptyIsNull && i === parts.length - 1 && parts[i] === '') values[i] = null;
    else if (columnKind(mapping, index.columns[i]) === 'uuid' && !UUID.test(parts[i])) return undefined;
  }
  return values;
}

export const columnKind = (mapping: TableMapping, column: string) => mapping.columns.find((c) => c.column === column)!.kind;

export const isUuid = (text: string) => UUID.test(text);
