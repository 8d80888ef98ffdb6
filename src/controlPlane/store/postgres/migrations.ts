/**
 * The team store's schema, as versioned, forward-only migrations. A replica applies the missing ones at start, all
 * in one transaction under an advisory lock, so replicas starting together apply each exactly once (the others wait
 * for the lock, then find nothing left to do). A replica older than the database's schema refuses to start.
 *
 * Never edit a migration that has shipped: add the next version.
 */
import type { Pool, PoolClient } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Foreign keys are checked at commit, so a write batch may list its operations in any order (a delete cascade lists
 * children first, a create lists parents first; both are one transaction). */
const fk = (column: string, table: string) => `${column} uuid NOT NULL REFERENCES ${table} (id) DEFERRABLE INITIALLY DEFERRED`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'resources, signing keys, admin tokens, change log',
    sql: `
CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  handle text COLLATE "C" NOT NULL,
  name text NOT NULL,
  name_key text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (name_key);
CREATE UNIQUE INDEX organizations_handle_key ON organizations (handle);

CREATE TABLE environments (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  handle text COLLATE "C" NOT NULL,
  name text NOT NULL,
  critical boolean NOT NULL,
  position integer NOT NULL
);
CREATE UNIQUE INDEX environments_handle_key ON environments (org_id, handle);

CREATE TABLE identity_providers (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  kind text NOT NULL CHECK (kind IN ('built-in', 'external')),
  name text NOT NULL,
  name_key text COLLATE "C" NOT NULL,
  description text NOT NULL,
  well_known_url text,
  issuer text,
  token_endpoint text,
  jwks_uri text,
  environments jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  refreshed_at timestamptz
);
CREATE UNIQUE INDEX identity_providers_name_key ON identity_providers (org_id, name_key);

CREATE TABLE projects (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  org_handle text COLLATE "C" NOT NULL,
  handle text COLLATE "C" NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX projects_handle_key ON projects (org_id, handle);

CREATE TABLE components (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  org_handle text COLLATE "C" NOT NULL,
  ${fk('project_id', 'projects')},
  project_handle text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  display_name text NOT NULL,
  description text NOT NULL,
  type text NOT NULL CHECK (type IN ('external-consumer', 'service')),
  endpoints jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX components_name_key ON components (project_id, name);
CREATE INDEX components_org ON components (org_id);

CREATE TABLE auth_configurations (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  org_handle text COLLATE "C" NOT NULL,
  ${fk('component_id', 'components')},
  environment text COLLATE "C" NOT NULL,
  ${fk('identity_provider_id', 'identity_providers')},
  kind text NOT NULL CHECK (kind IN ('built-in', 'external')),
  client_id text COLLATE "C" NOT NULL,
  secret_hash text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((kind = 'built-in') = (secret_hash IS NOT NULL))
);
CREATE UNIQUE INDEX auth_configurations_slot_key ON auth_configurations (component_id, environment);
-- Client IDs of the built-in provider are ours and globally unique; an external provider's name one app there.
CREATE UNIQUE INDEX auth_configurations_client_id_key ON auth_configurations (client_id) WHERE kind = 'built-in';
CREATE UNIQUE INDEX auth_configurations_external_client_id_key ON auth_configurations (identity_provider_id, client_id) WHERE kind = 'external';
CREATE INDEX auth_configurations_org ON auth_configurations (org_id);
CREATE INDEX auth_configurations_identity_provider ON auth_configurations (identity_provider_id);

CREATE TABLE connections (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  ${fk('component_id', 'components')},
  name text NOT NULL,
  name_key text COLLATE "C" NOT NULL,
  ${fk('service_component_id', 'components')},
  service_project_handle text COLLATE "C" NOT NULL,
  service_component_name text COLLATE "C" NOT NULL,
  endpoint_name text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX connections_name_key ON connections (component_id, name_key);
CREATE INDEX connections_target ON connections (service_component_id, endpoint_name);
CREATE INDEX connections_pair ON connections (component_id, service_component_id, endpoint_name);
CREATE INDEX connections_org ON connections (org_id);

-- The built-in identity provider's keys, shared by every replica. The private key is AES-256-GCM encrypted with the
-- operator's key (12-byte nonce, ciphertext, 16-byte tag); the public half is published in the JWKS.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_key_encrypted bytea NOT NULL,
  created_at timestamptz NOT NULL,
  retired_at timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

-- SHA-256 of each admin token; the token itself is printed once by \`control-plane admin-token\`.
CREATE TABLE admin_tokens (
  id uuid PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);

-- Every committed write batch gets the next number (the row lock on the counter makes commits take numbers in
-- commit order, with no gaps), and its entry in the log says which records changed. Replicas follow the log
-- (LISTEN/NOTIFY, and a poll of the counter) to drop what they cached.
CREATE TABLE change_counter (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq bigint NOT NULL
);
INSERT INTO change_counter (seq) VALUES (0);
CREATE TABLE change_log (
  seq bigint PRIMARY KEY,
  changes jsonb NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'secret regeneration time, identity provider audiences; team members, personal access tokens, audit log',
    sql: `
-- The security work (issue 14): Regenerate Secret's time (the gateway refuses tokens issued before it) and the
-- audiences an external provider's tokens must carry.
ALTER TABLE auth_configurations ADD COLUMN secret_regenerated_at timestamptz;
ALTER TABLE identity_providers ADD COLUMN audiences jsonb;

-- Team members (issue 17), src/controlPlane/members/records.ts.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  issuer text COLLATE "C" NOT NULL,
  subject text COLLATE "C" NOT NULL,
  subject_key text COLLATE "C" NOT NULL,
  name text,
  email text,
  email_key text COLLATE "C" NOT NULL,
  email_verified boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_subject_key ON users (subject_key);
CREATE INDEX users_email ON users (email_key);
CREATE INDEX users_by_subject ON users (subject);

-- A membership (user_id set) or an invitation pending until that person first signs in (no user_id).
CREATE TABLE members (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  org_handle text COLLATE "C" NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'developer', 'admin')),
  user_id uuid REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  invited_email text,
  invited_subject text,
  invitation_key text COLLATE "C" NOT NULL,
  invited_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX members_user_key ON members (org_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX members_invitation_key ON members (org_id, invitation_key) WHERE user_id IS NULL;
-- The two partial indexes above each hold part of an organization's members: its list needs one of its own.
CREATE INDEX members_org ON members (org_id);
CREATE INDEX members_user ON members (user_id);
CREATE INDEX members_invitation ON members (invitation_key);

CREATE TABLE personal_access_tokens (
  id uuid PRIMARY KEY,
  ${fk('user_id', 'users')},
  ${fk('org_id', 'organizations')},
  org_handle text COLLATE "C" NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'developer', 'admin')),
  hash text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE UNIQUE INDEX personal_access_tokens_hash_key ON personal_access_tokens (hash);
CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id);
CREATE INDEX personal_access_tokens_org ON personal_access_tokens (org_id);

-- An organization's audit log stays when the organization goes, so org_id is no foreign key; it is '' for a write
-- under no organization (a refused create).
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  org_id text COLLATE "C" NOT NULL,
  sort_key text COLLATE "C" NOT NULL,
  at timestamptz NOT NULL,
  actor jsonb NOT NULL,
  action text NOT NULL,
  resource text NOT NULL,
  address text NOT NULL,
  status integer NOT NULL
);
CREATE INDEX audit_log_list ON audit_log (org_id, sort_key);
`,
  },
  {
    version: 3,
    name: "a connection's service organization; an identity provider's signing key IDs",
    sql: `
-- Issue 15: a connection to a Public endpoint may cross organizations, so it keeps the service's organization (the
-- connections made before were all within the consumer's own, which org_id names).
ALTER TABLE connections ADD COLUMN service_org_handle text COLLATE "C";
UPDATE connections c SET service_org_handle = o.handle FROM organizations o WHERE o.id = c.org_id;
-- The key IDs of an external provider's JWKS when it was registered or last refreshed (a refresh reports changes).
ALTER TABLE identity_providers ADD COLUMN signing_key_ids jsonb;
`,
  },
  {
    version: 4,
    name: 'change numbers from a sequence, log entries with their transaction',
    sql: `
-- Writers took the next number from change_counter's one row, so its row lock queued every write of every replica
-- behind the commit before it. A sequence hands numbers out concurrently; they commit in any order and a rolled-back
-- write leaves a gap, so replicas follow the log by transaction visibility (xid, compared with their snapshots; see
-- store/postgres/changeFeed.ts), not by counting numbers.
CREATE SEQUENCE change_seq AS bigint;
SELECT setval('change_seq', GREATEST(seq, 1), seq > 0) FROM change_counter;
DROP TABLE change_counter;
ALTER TABLE change_log ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX change_log_xid ON change_log (xid);
-- Pruned by age; entries are appended in time order, which a BRIN index serves at almost no cost to writers.
CREATE INDEX change_log_committed_at ON change_log USING brin (committed_at);
`,
  },
  {
    version: 5,
    name: 'revoked connections',
    sql: `
-- Revoke Connection (issue 22, row 6): who cut the connection off and when; NULL for a live one.
ALTER TABLE connections ADD COLUMN revoked jsonb;
`,
  },
  {
    version: 6,
    name: 'built-in identity provider: key settings, test users, authorization server',
    sql: `
-- Issue 24 (src/controlPlane/idp/records.ts). Key settings of built-in keys; NULL: the defaults (client_credentials).
ALTER TABLE auth_configurations ADD COLUMN key_settings jsonb;

CREATE TABLE test_users (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  environment text COLLATE "C" NOT NULL,
  username text COLLATE "C" NOT NULL,
  username_key text COLLATE "C" NOT NULL,
  groups jsonb NOT NULL,
  first_name text,
  last_name text,
  email text,
  attributes jsonb,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX test_users_username_key ON test_users (org_id, environment, username_key);
CREATE INDEX test_users_environment ON test_users (org_id, environment);
CREATE INDEX test_users_org ON test_users (org_id);

-- The authorization server's state, shared by the replicas. Short-lived; deleted with their organization.
CREATE TABLE sign_in_interactions (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  auth_config_id uuid NOT NULL,
  environment text COLLATE "C" NOT NULL,
  request jsonb NOT NULL,
  csrf_hash text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_interactions_org ON sign_in_interactions (org_id);

CREATE TABLE sign_in_sessions (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  environment text COLLATE "C" NOT NULL,
  user_id uuid NOT NULL,
  secret_hash text COLLATE "C" NOT NULL,
  auth_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_sessions_user ON sign_in_sessions (user_id);
CREATE INDEX sign_in_sessions_org ON sign_in_sessions (org_id);

CREATE TABLE authorization_codes (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  auth_config_id uuid NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  user_id uuid NOT NULL,
  session_id uuid NOT NULL,
  code_hash text COLLATE "C" NOT NULL,
  redirect_uri text NOT NULL,
  code_challenge text,
  scope text NOT NULL,
  nonce text,
  auth_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX authorization_codes_code_key ON authorization_codes (code_hash);
CREATE INDEX authorization_codes_user ON authorization_codes (user_id);
CREATE INDEX authorization_codes_org ON authorization_codes (org_id);

CREATE TABLE grants (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  auth_config_id uuid NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  environment text COLLATE "C" NOT NULL,
  user_id uuid NOT NULL,
  session_id uuid NOT NULL,
  code_hash text COLLATE "C" NOT NULL,
  scope text NOT NULL,
  nonce text,
  auth_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
-- A code is redeemed once, whichever replica redeems it: the second grant of a code violates this.
CREATE UNIQUE INDEX grants_code_key ON grants (code_hash);
CREATE INDEX grants_user ON grants (user_id);
CREATE INDEX grants_session ON grants (session_id);
CREATE INDEX grants_client ON grants (auth_config_id);
CREATE INDEX grants_org ON grants (org_id);

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  ${fk('org_id', 'organizations')},
  grant_id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash text COLLATE "C" NOT NULL,
  parent_hash text COLLATE "C",
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX refresh_tokens_token_key ON refresh_tokens (token_hash);
-- A refresh token is rotated once: a second successor of the same token is reuse.
CREATE UNIQUE INDEX refresh_tokens_parent_key ON refresh_tokens (parent_hash) WHERE parent_hash IS NOT NULL;
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_org ON refresh_tokens (org_id);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Arbitrary, fixed: the advisory lock every replica takes to migrate. */
const MIGRATION_LOCK = 7_480_016;

export class SchemaTooNew extends Error {}

export interface MigrationResult {
  from: number;
  to: number;
  applied: Migration[];
}

/** Brings the database's schema to SCHEMA_VERSION; refuses one newer than this code knows. */
export async function migrate(pool: Pool, migrations: Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const latest = migrations[migrations.length - 1].version;
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const from = rows[0].v ?? 0;
    if (from > latest) {
      throw new SchemaTooNew(
        `The database's schema is version ${from}; this control plane knows versions up to ${latest}. ` +
          'Run a control plane as new as the one that migrated the database (schemas only move forward).',
      );
    }
    const applied = migrations.filter((m) => m.version > from);
    for (const m of applied) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, latest), applied };
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}
