/**
 * Command line of the control plane (bundled as dist/controlPlane.js).
 *
 *   serve --data DIR [--host 127.0.0.1] [--port 7480] [--public-url URL] [--sample-service] [--allow-private-addresses]
 *     Serves until SIGTERM/SIGINT. With --sample-service every organization created gets the sample service
 *     "Greeting Service" in its default project, and its upstream is served (the extension's local control plane
 *     runs with it). A team server (--public-url, or a --host beyond loopback) connects only to public addresses,
 *     for identity providers' discovery documents and JWKS and for services' upstreams alike, unless
 *     --allow-private-addresses is given (providers and services inside the team's network). When ready it prints exactly one line on stdout:
 *       Choreo control plane listening on <base URL>
 *     A parent finds the URL with /^Choreo control plane listening on (\S+)$/m. The admin token is in
 *     DIR/admin-token (mode 0600). Everything else is logged on stderr.
 *     With --users-idp (the Well-Known URL of the team's OIDC provider) and --users-client-id (the extension's public
 *     client there) people sign in with that provider and get roles per organization; --users-audience is the `aud`
 *     of its access tokens for this server (default: the client ID).
 *     --trusted-proxy ADDRESS[,ADDRESS…] (IPs or CIDR ranges) names the reverse proxies in front: a request from one
 *     of them is counted (sign-in throttle) and audited under the X-Forwarded-For address its proxies saw
 *     (http/clientAddress.ts); from any other peer the header is ignored.
 *   serve --database-url URL --encryption-key-file FILE [--host …] [--port …] [--public-url URL]
 *     A replica of a team control plane on PostgreSQL (README, "Run a team control plane"). The URL may instead come
 *     from CHOREO_DATABASE_URL and the key from CHOREO_ENCRYPTION_KEY, which keeps the password out of `ps`.
 *   migrate --database-url URL            applies the schema migrations (serve does too) and prints the version
 *   admin-token --database-url URL        makes an admin token of a team control plane and prints it, once
 *   export --data DIR --out FILE          writes everything a data folder holds into FILE (mode 0600)
 *   import --database-url URL --in FILE [--replace]  writes an export into a team database (empty, or --replace)
 *   rotate-keys --data DIR
 *     Makes a new signing key for the built-in identity provider; old keys stay in the JWKS until tokens signed
 *     with them have expired. Works with the control plane running (through its API) or stopped.
 *
 * Exit codes: 0 stopped cleanly, 2 bad usage, 65 data folder written by a newer control plane, 73 data folder in use
 * by another process, 1 other failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { paths } from '../api/routes';
import type { BlockList } from 'node:net';
import { ADMIN_TOKEN_FILE } from './http/auth';
import { parseTrustedProxies } from './http/clientAddress';
import { SigningKeys } from './idp/signingKeys';
import { coreCollections } from './domain/records';
import { modules } from './routes';
import { SERVER_INFO_FILE, startControlPlane } from './server';
import { DataFolderTooNew } from './store/dataFormat';
import { DataFolderLocked, lockDataFolder } from './store/lock';
import { createAdminToken } from './store/postgres/adminTokens';
import { migrate, SCHEMA_VERSION } from './store/postgres/migrations';
import { PostgresStore } from './store/postgres/postgresStore';
import { readEncryptionKey } from './store/postgres/sharedSigningKeys';
import { exportDataFolder, importIntoDatabase, type ExportFile } from './store/transfer';

export const READY_PREFIX = 'Choreo control plane listening on ';
const DEFAULT_PORT = 7480;
const DATABASE_URL_ENV = 'CHOREO_DATABASE_URL';
const USAGE = `Usage:
  controlPlane serve --data DIR [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--public-url URL] [--sample-service] [--allow-private-addresses]
                     [--users-idp WELL_KNOWN_URL --users-client-id ID [--users-audience AUD]] [--trusted-proxy ADDRESS[,ADDRESS…]]
  controlPlane serve --database-url URL --encryption-key-file FILE [--host …] [--port …] [--public-url URL] [--allow-private-addresses]
                     [--users-idp …] [--trusted-proxy …]
  controlPlane migrate --database-url URL
  controlPlane admin-token --database-url URL
  controlPlane export --data DIR --out FILE
  controlPlane import --database-url URL --in FILE [--encryption-key-file FILE] [--replace]
  controlPlane rotate-keys --data DIR
The database URL may come from ${DATABASE_URL_ENV} instead, the encryption key from CHOREO_ENCRYPTION_KEY.`;

const collections = () => [...coreCollections, ...modules.flatMap((m) => m.collections ?? [])];

function databaseUrl(given: string | undefined): string {
  const url = given ?? process.env[DATABASE_URL_ENV];
  if (!url) throw new UsageError(`Give the team database: --database-url postgres://… or ${DATABASE_URL_ENV}.`);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('The database URL must start with postgres:// (e.g. postgres://choreo@db.example:5432/choreo).');
  return url;
}

/** The store alone, for the operator commands (no change feed consumers, no listening). */
async function withDatabase<T>(url: string, fn: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = await PostgresStore.open({ databaseUrl: url, collections: collections(), cacheEntries: 0 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'rotate-keys') return rotateKeys(rest);
  if (command === 'migrate') return migrateCommand(rest);
  if (command === 'admin-token') return adminToken(rest);
  if (command === 'export') return exportCommand(rest);
  if (command === 'import') return importCommand(rest);
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  throw new UsageError(command ? `Unknown command "${command}".` : 'Give a command.');
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      'public-url': { type: 'string' },
      'sample-service': { type: 'boolean', default: false },
      'allow-private-addresses': { type: 'boolean', default: false },
      'users-idp': { type: 'string' },
      'users-client-id': { type: 'string' },
      'users-audience': { type: 'string' },
      'trusted-proxy': { type: 'string' },
      // Journal size that triggers compaction into a snapshot (tests make it small).
      'compact-bytes': { type: 'string' },
      'database-url': { type: 'string' },
      'encryption-key-file': { type: 'string' },
      'cache-entries': { type: 'string' },
      'pool-size': { type: 'string' },
    },
    strict: true,
  });
  const team = values['database-url'] !== undefined || (values.data === undefined && process.env[DATABASE_URL_ENV] !== undefined);
  if (team && values.data) throw new UsageError('Give --data DIR (a local control plane) or --database-url (a team one), not both.');
  if (!team && !values.data)
    throw new UsageError("--data DIR is required: the folder that holds the control plane's data (or --database-url for a team control plane).");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);
  if (values['public-url'] !== undefined && !/^https?:\/\/[^/]+(\/.*)?$/.test(values['public-url'])) {
    throw new UsageError('--public-url must be an http(s) URL, such as https://choreo-cp.example.com.');
  }
  if ((values['users-idp'] === undefined) !== (values['users-client-id'] === undefined)) {
    throw new UsageError(
      "--users-idp and --users-client-id go together: the Well-Known URL of the team's identity provider and the client ID of the extension's public client there.",
    );
  }
  if (values['users-audience'] !== undefined && values['users-idp'] === undefined) throw new UsageError('--users-audience needs --users-idp.');
  let trustedProxies: BlockList | undefined;
  try {
    trustedProxies = values['trusted-proxy'] === undefined ? undefined : parseTrustedProxies(values['trusted-proxy']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const count = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not "${v}".`);
    return n;
  };
  const running = await startControlPlane({
    dataDir: values.data,
    database: team
      ? {
          databaseUrl: databaseUrl(values['database-url']),
          // Read first: a replica without the key refuses to start before it touches the database.
          encryptionKey: readEncryptionKey(values['encryption-key-file']),
          cacheEntries: count('cache-entries', values['cache-entries']),
          poolSize: count('pool-size', values['pool-size']),
        }
      : undefined,
    host: values.host!,
    port,
    publicUrl: values['public-url'],
    compactBytes: values['compact-bytes'] ? Number(values['compact-bytes']) : undefined,
    sampleService: values['sample-service'],
    allowPrivateAddresses: values['allow-private-addresses'],
    trustedProxies,
    usersIdp: values['users-idp'] ? { wellKnownUrl: values['users-idp'], clientId: values['users-client-id']!, audience: values['users-audience'] } : undefined,
  });
  process.stdout.write(`${READY_PREFIX}${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.error(`control plane: ${signal}, stopping`);
      void running.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function rotateKeys(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { data: { type: 'string' } }, strict: true });
  if (!values.data) throw new UsageError('--data DIR is required.');
  const dataDir = path.resolve(values.data);
  let lock;
  try {
    lock = await lockDataFolder(dataDir);
  } catch (err) {
    if (!(err instanceof DataFolderLocked)) throw err;
    // A control plane is serving this folder: it holds the keys in memory, so ask it to rotate.
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_INFO_FILE), 'utf8')) as { url: string };
    const token = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
    const res = await fetch(info.url + paths.rotateSigningKey(), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`The running control plane at ${info.url} refused the rotation: ${res.status} ${await res.text()}`);
    const { kid } = (await res.json()) as { kid: string };
    console.log(`New signing key ${kid} (rotated by the running control plane at ${info.url}).`);
    return 0;
  }
  try {
    const kid = await SigningKeys.load(dataDir).rotate();
    console.log(`New signing key ${kid}. Old keys stay published until the tokens they signed have expired.`);
    return 0;
  } finally {
    lock.release();
  }
}

async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'database-url': { type: 'string' } }, strict: true });
  const { Pool } = await import('pg');
  const pool = new Pool({ connectionString: databaseUrl(values['database-url']), max: 1 });
  try {
    const result = await migrate(pool);
    console.log(
      result.applied.length
        ? `Schema migrated from version ${result.from} to ${result.to} (${result.applied.map((m) => `${m.version}: ${m.name}`).join('; ')}).`
        : `Schema is at version ${result.from}, the latest this control plane knows (${SCHEMA_VERSION}); nothing to do.`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

async function adminToken(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'database-url': { type: 'string' } }, strict: true });
  const token = await withDatabase(databaseUrl(values['database-url']), createAdminToken);
  console.error("New admin token (shown only now; the database keeps its hash). Give it to the extension as the control plane's access token:");
  console.log(token);
  return 0;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { data: { type: 'string' }, out: { type: 'string' } }, strict: true });
  if (!values.data) throw new UsageError('--data DIR is required: the data folder to export.');
  if (!values.out) throw new UsageError('--out FILE is required: the export holds private signing keys, so it goes to a file of mode 0600.');
  const data = await exportDataFolder(path.resolve(values.data), collections());
  // 'wx': never overwrite a file that is there.
  fs.writeFileSync(values.out, JSON.stringify(data), { mode: 0o600, flag: 'wx' });
  const records = Object.values(data.collections).reduce((n, list) => n + list.length, 0);
  console.error(`Exported ${records} records and ${data.signingKeys.length} signing keys to ${values.out}. It holds private keys: delete it once imported.`);
  return 0;
}

async function importCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'database-url': { type: 'string' },
      in: { type: 'string' },
      'encryption-key-file': { type: 'string' },
      replace: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.in) throw new UsageError('--in FILE is required: a file written by `export`.');
  const url = databaseUrl(values['database-url']);
  const key = readEncryptionKey(values['encryption-key-file']);
  const data = JSON.parse(fs.readFileSync(values.in, 'utf8')) as ExportFile;
  const result = await withDatabase(url, (store) => importIntoDatabase(store, data, key, values.replace!));
  console.error(`Imported ${result.records} records and ${result.signingKeys} signing keys.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof DataFolderTooNew) {
      console.error(err.message);
      process.exit(65);
    }
    if (err instanceof DataFolderLocked) {
      console.error(err.message);
      process.exit(73);
    }
    console.error(`control plane: ${(err as Error).message}`);
    process.exit(1);
  },
);
