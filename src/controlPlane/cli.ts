/**
 * Command line of the control plane (bundled as dist/controlPlane.js).
 *
 *   serve --data DIR [--host 127.0.0.1] [--port 7480] [--public-url URL] [--sample-service]
 *     Serves until SIGTERM/SIGINT. With --sample-service every organization created gets the sample service
 *     "Greeting Service" in its default project (the extension's local control plane runs with it). When ready it prints exactly one line on stdout:
 *       Choreo control plane listening on <base URL>
 *     A parent finds the URL with /^Choreo control plane listening on (\S+)$/m. The admin token is in
 *     DIR/admin-token (mode 0600). Everything else is logged on stderr.
 *   rotate-keys --data DIR
 *     Makes a new signing key for the built-in identity provider; old keys stay in the JWKS until tokens signed
 *     with them have expired. Works with the control plane running (through its API) or stopped.
 *
 * Exit codes: 0 stopped cleanly, 2 bad usage, 73 data folder in use by another process, 1 other failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { paths } from '../api/routes';
import { ADMIN_TOKEN_FILE } from './http/auth';
import { SigningKeys } from './idp/signingKeys';
import { SERVER_INFO_FILE, startControlPlane } from './server';
import { DataFolderLocked, lockDataFolder } from './store/lock';

export const READY_PREFIX = 'Choreo control plane listening on ';
const DEFAULT_PORT = 7480;
const USAGE = `Usage:
  controlPlane serve --data DIR [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--public-url URL] [--sample-service]
  controlPlane rotate-keys --data DIR`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'rotate-keys') return rotateKeys(rest);
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
      // Journal size that triggers compaction into a snapshot (tests make it small).
      'compact-bytes': { type: 'string' },
    },
    strict: true,
  });
  if (!values.data) throw new UsageError('--data DIR is required: the folder that holds the control plane\'s data.');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);
  if (values['public-url'] !== undefined && !/^https?:\/\/[^/]+(\/.*)?$/.test(values['public-url'])) {
    throw new UsageError('--public-url must be an http(s) URL, such as https://choreo-cp.example.com.');
  }
  const running = await startControlPlane({
    dataDir: values.data,
    host: values.host!,
    port,
    publicUrl: values['public-url'],
    compactBytes: values['compact-bytes'] ? Number(values['compact-bytes']) : undefined,
    sampleService: values['sample-service'],
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof DataFolderLocked) {
      console.error(err.message);
      process.exit(73);
    }
    console.error(`control plane: ${(err as Error).message}`);
    process.exit(1);
  },
);
