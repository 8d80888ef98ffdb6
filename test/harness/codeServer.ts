// The test VS Code: code-server 4.100.3 (VS Code 1.100.3) on a free loopback port, with fresh user-data and
// extensions folders per start so no state leaks between runs. Installed and cached by scripts/setup-vscode.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, onCleanup, spawnOwned, stopProcessesUsing, tempDir } from './processes';

export const repoRoot = path.resolve(__dirname, '..', '..');
const codeServerEntry = path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Installs the test VS Code when it is not cached yet (a no-op taking well under a second otherwise). */
export function ensureCodeServer(): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'setup-vscode.mjs')], { stdio: 'inherit' });
}

/** Quiet defaults for a workbench driven by tests or opened by `npm start`: no welcome page, no port-forwarding or
 * parent-git-repository notifications covering the view. */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'remote.autoForwardPorts': false,
  'git.openRepositoryInParentFolders': 'never',
};

export interface CodeServerOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** Port wanted; a free one is taken when it is busy or not given. */
  port?: number;
  /** User settings written into the fresh user-data folder before start. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server; the extension hosts it forks inherit it. */
  env?: Record<string, string>;
  /** Prints the server's own output (noisy: gallery look-ups fail offline). */
  verbose?: boolean;
  /** Kept folders instead of fresh temp ones (npm start keeps settings and signed-in state between runs). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Workspace Trust on (the Restricted Mode tests); off by default, so no trust prompt covers the workbench. */
  workspaceTrust?: boolean;
  /** A display language with no language pack to install (the pseudo-locale `qps-ploc`): see `installLanguagePack`. */
  locale?: string;
}

/**
 * Makes `locale` VS Code's display language with none of VS Code's own strings translated, for the extension's
 * pseudo-localised run (its own l10n/bundle.l10n.qps-ploc.json and package.nls.qps-ploc.json). VS Code's pseudo
 * language pack cannot be installed here (no marketplace), and `--locale` alone falls back to English (the server
 * resolves a language only through an installed language pack, and looks for one in the gallery otherwise). So a
 * language pack of our own is put into the fresh extensions folder, whose translations file is empty: the workbench
 * stays English and the extension host runs in `locale`.
 */
function installLanguagePack(extensionsDir: string, userDataDir: string, locale: string): void {
  const dir = path.join(extensionsDir, `choreo-tests.test-language-pack-${locale}-1.0.0`);
  mkdirSync(path.join(dir, 'translations'), { recursive: true });
  writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  const manifest = {
    name: `test-language-pack-${locale}`,
    publisher: 'choreo-tests',
    version: '1.0.0',
    engines: { vscode: '*' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId: locale,
          languageName: `test ${locale}`,
          localizedLanguageName: `test ${locale}`,
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // VS Code's cache of the installed packs, as it writes it: the server resolves the language from it.
  const id = `${manifest.publisher}.${manifest.name}`;
  const pack = {
    hash: `test-${locale}`,
    extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }],
    translations: { vscode: path.join(dir, 'translations', 'main.i18n.json') },
    label: `test ${locale}`,
  };
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: pack }));
}

export interface CodeServer {
  port: number;
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  stop: () => Promise<void>;
  /** The workbench URL for `workspace`, with a payload (extensionDevelopmentPath, extensionTestsPath, ...). */
  workbenchUrl: (payload: Array<[string, string]>) => string;
  /** A `vscode-remote://` URI for a path on this machine, the form the payload wants. */
  remoteUri: (absPath: string) => string;
}

/** `code-server --install-extension FILE.vsix` into an extensions folder, as a person installs a packaged build. */
export function installExtension(vsix: string, dirs: { userDataDir: string; extensionsDir: string }): string {
  return execFileSync(
    process.execPath,
    [codeServerEntry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort(options.port);
  const userDataDir = options.userDataDir ?? (await tempDir('user-data'));
  const extensionsDir = options.extensionsDir ?? (await tempDir('extensions'));
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  if (options.settings) {
    // User settings, and Machine settings because `machine`-scoped settings of a remote window are read from there.
    for (const scope of ['User', 'Machine']) {
      mkdirSync(path.join(userDataDir, scope), { recursive: true });
      writeFileSync(path.join(userDataDir, scope, 'settings.json'), JSON.stringify(options.settings, null, 2));
    }
  }
  if (options.locale) installLanguagePack(extensionsDir, userDataDir, options.locale);
  const args = [
    codeServerEntry,
    ...(options.locale ? ['--locale', options.locale] : []),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    options.workspace,
  ];
  // Registered before the server so it runs after the server stopped (cleanups run last-in first-out) and before the
  // temp folders go: the extension's detached local control plane keeps its data under the user-data folder.
  const stopDetached = async () => {
    const pids = await stopProcessesUsing(userDataDir);
    if (pids.length > 0 && options.verbose) console.error(`[harness] stopped detached processes ${pids.join(', ')}`);
  };
  onCleanup(stopDetached);
  const { child, stop: stopServer } = spawnOwned(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (options.verbose) process.stderr.write(`[code-server] ${text}`);
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const stop = async () => {
    await stopServer();
    await stopDetached();
  };
  const remoteUri = (absPath: string) => `vscode-remote://127.0.0.1:${port}${absPath}`;
  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    stop,
    remoteUri,
    workbenchUrl: (payload) => `${origin}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
  };
}
