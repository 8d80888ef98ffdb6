// How each language's runnable snippet is run on this machine, and whether its toolchain is here at all; and how its
// functions are run under the test harness (./harness/README.md).
import { execFile, spawn } from 'node:child_process';
import { access, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnippetLanguageId } from '../../src/snippets';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (or kills it at `timeoutMs`), never throwing on a non-zero exit. */
export function runProgram(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + (error && code === null ? `\n[runner] ${error.message}` : '') });
      },
    );
    // A program that exits without reading its input must not fail the test with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** The absolute path of a command on PATH, or undefined. */
export async function which(command: string): Promise<string | undefined> {
  const result = await runProgram('sh', ['-c', `command -v ${command}`], { cwd: process.cwd(), env: process.env, timeoutMs: 10_000 });
  const found = result.stdout.trim();
  return result.code === 0 && found.startsWith('/') ? found : undefined;
}

/**
 * Runs a program whose standard input stays open: once its output holds `lines` lines, `between` runs, and then its
 * input is closed (a line first). Never throws on a non-zero exit.
 */
export function runConversation(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; lines: number; between: () => Promise<void>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let asked = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!asked && stdout.split('\n').length > options.lines) {
        asked = true;
        options.between().then(
          () => child.stdin.end('\n'),
          (error: unknown) => {
            stderr += `\n[runner] between the calls: ${String(error)}`;
            child.kill('SIGKILL');
          },
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LanguageRunner {
  language: SnippetLanguageId;
  /** The toolchain's name, as reported when it is missing. */
  toolchain: string;
  /** Undefined when the toolchain is here, else why the language is skipped. */
  missing(): Promise<string | undefined>;
  /** Runs `file` (written by the test in `dir`) with `env`. */
  run(dir: string, file: string, env: NodeJS.ProcessEnv): Promise<RunResult>;
  /**
   * Runs the snippet's functions under the harness (./harness/README.md): two calls at once, then `between`, then one
   * more; each call one `ok …` or `error …` line on stdout. `env` carries CHOREO_HARNESS_PATH.
   */
  harness(dir: string, file: string, env: NodeJS.ProcessEnv, between: () => Promise<void>): Promise<RunResult>;
  /** Whether its refused token request names the HTTP status (Authlib's error does not carry it). */
  tokenRefusalHasStatus?: false;
}

const HARNESS = path.join(__dirname, 'harness');
const REPO = path.resolve(__dirname, '..', '..');

/** The snippet without its own last call, which starts at the last line beginning with `mainStart`. */
async function withoutMain(file: string, mainStart: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const at = text.lastIndexOf(`\n${mainStart}`);
  if (at < 0) throw new Error(`${file} has no line starting with ${mainStart}`);
  return text.slice(0, at + 1);
}

/** A snippet that imports an npm package finds it as a user's project would: in node_modules beside it. */
async function linkNodeModules(dir: string): Promise<void> {
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

/** JavaScript and TypeScript: the snippet with harness.js in place of its own call, run by the same command. */
async function nodeHarness(dir: string, file: string, env: NodeJS.ProcessEnv, between: () => Promise<void>): Promise<RunResult> {
  const harnessFile = file.replace(/(\.[cm]?[jt]s)$/, '.harness$1');
  await writeFile(harnessFile, (await withoutMain(file, 'callService(')) + (await readFile(path.join(HARNESS, 'harness.js'), 'utf8')));
  return runConversation(...nodeCommand(harnessFile), { cwd: dir, env, lines: 2, between });
}

const TSX = require.resolve('tsx/cli');
function nodeCommand(file: string): [string, string[]] {
  return /\.[cm]?ts$/.test(file) ? [process.execPath, [TSX, file]] : [process.execPath, [file]];
}

/** Where Debian's golang-golang-x-oauth2-dev puts golang.org/x/oauth2: built in GOPATH mode, offline. */
export const DEBIAN_GOPATH = '/usr/share/gocode';

function goEnv(env: NodeJS.ProcessEnv, gopath: boolean, dir: string): NodeJS.ProcessEnv {
  // `go run` needs a writable build cache; GOWORK=off keeps it out of any go.work above the temp folder.
  const cache = process.env.GOCACHE ?? path.join(process.env.HOME ?? dir, '.cache', 'go-build');
  return gopath
    ? { ...env, GOCACHE: cache, GO111MODULE: 'off', GOPATH: DEBIAN_GOPATH, GOFLAGS: '' }
    : { ...env, GOCACHE: cache, GO111MODULE: 'auto', GOWORK: 'off' };
}

function goRunner(language: SnippetLanguageId, gopath: boolean): LanguageRunner {
  return {
    language,
    toolchain: gopath ? `go + Debian's golang.org/x/oauth2 (${DEBIAN_GOPATH})` : 'go',
    missing: async () => {
      if (!(await which('go'))) return 'go is not installed (no `go` on PATH)';
      if (gopath) {
        const found = await access(path.join(DEBIAN_GOPATH, 'src/golang.org/x/oauth2/clientcredentials')).then(
          () => true,
          () => false,
        );
        if (!found) return `golang.org/x/oauth2 is not in ${DEBIAN_GOPATH} (Debian: golang-golang-x-oauth2-dev)`;
      }
      return undefined;
    },
    run: (dir, file, env) => runProgram('go', ['run', file], { cwd: dir, env: goEnv(env, gopath, dir) }),
    harness: async (dir, file, env, between) => {
      await copyFile(path.join(HARNESS, 'harness.go'), path.join(dir, 'harness.go'));
      return runConversation('go', ['run', file, path.join(dir, 'harness.go')], { cwd: dir, env: goEnv(env, gopath, dir), lines: 2, between });
    },
  };
}

function pythonRunner(language: SnippetLanguageId, python: string, modules: string[]): LanguageRunner {
  return {
    language,
    toolchain: modules.length ? `${python} with ${modules.join(', ')}` : python,
    missing: async () => {
      if (!(await which(python))) return `${python} is not installed`;
      if (modules.length) {
        const check = await runProgram(python, ['-c', `import ${modules.join(', ')}`], { cwd: process.cwd(), env: process.env, timeoutMs: 20_000 });
        if (check.code !== 0) return `${python} lacks ${modules.join(', ')} (Debian: python3-authlib, python3-requests)`;
      }
      return undefined;
    },
    run: (dir, file, env) => runProgram(python, [file], { cwd: dir, env }),
    harness: (dir, file, env, between) => runConversation(python, [path.join(HARNESS, 'harness.py'), file], { cwd: dir, env, lines: 2, between }),
  };
}

const simple = (language: SnippetLanguageId, toolchain: string, command: string, args: (file: string) => string[]): Omit<LanguageRunner, 'harness'> => ({
  language,
  toolchain,
  missing: async () => ((await which(command)) ? undefined : `${toolchain} is not installed (no \`${command}\` on PATH)`),
  run: (dir, file, env) => runProgram(command, args(file), { cwd: dir, env }),
});

/** A bin folder with only what the shell snippet needs, and no jq: the sed fallback then parses the JSON. */
export async function binWithoutJq(dir: string): Promise<string> {
  const bin = path.join(dir, 'bin-without-jq');
  await mkdir(bin, { recursive: true });
  for (const tool of ['sh', 'curl', 'base64', 'tr', 'sed', 'tail', 'head', 'date']) {
    const found = await which(tool);
    if (!found) throw new Error(`${tool} is needed to run the shell snippet`);
    await symlink(found, path.join(bin, tool));
  }
  return bin;
}

/** Node, for JavaScript; tsx (a devDependency here) for TypeScript, as a user runs it with tsx, ts-node or after tsc.
 * The openid-client variants find the package in node_modules beside them. */
function nodeRunner(language: SnippetLanguageId, toolchain: string, npmPackage: boolean): LanguageRunner {
  return {
    language,
    toolchain,
    missing: async () => undefined,
    run: async (dir, file, env) => {
      if (npmPackage) await linkNodeModules(dir);
      return runProgram(...nodeCommand(file), { cwd: dir, env });
    },
    harness: async (dir, file, env, between) => {
      if (npmPackage) await linkNodeModules(dir);
      return nodeHarness(dir, file, env, between);
    },
  };
}

export const RUNNERS: LanguageRunner[] = [
  nodeRunner('typescript', 'node + tsx', false),
  nodeRunner('typescript-openid-client', 'node + tsx + openid-client', true),
  nodeRunner('javascript', 'node', false),
  nodeRunner('javascript-openid-client', 'node + openid-client', true),
  pythonRunner('python', 'python3', []),
  // Debian's python3-authlib serves Debian's own python3, whichever python3 comes first on PATH.
  { ...pythonRunner('python-authlib', '/usr/bin/python3', ['authlib', 'requests']), tokenRefusalHasStatus: false },
  goRunner('go', false),
  goRunner('go-oauth2', true),
  {
    ...simple('java', 'java', 'java', (file) => [file]),
    harness: async (dir, file, env, between) => {
      const out = path.join(dir, 'classes');
      const compiled = await runProgram('javac', ['-d', out, file, path.join(HARNESS, 'Harness.java')], { cwd: dir, env });
      if (compiled.code !== 0) return compiled;
      return runConversation('java', ['-cp', out, 'Harness'], { cwd: dir, env, lines: 2, between });
    },
  },
  {
    language: 'csharp',
    toolchain: 'dotnet',
    missing: async () => ((await which('dotnet')) ? undefined : 'dotnet is not installed (no `dotnet` on PATH)'),
    run: async (dir, file, env) => {
      // A project around the single file works on every SDK from .NET 6 on (`dotnet run file.cs` needs .NET 10).
      const version = await runProgram('dotnet', ['--version'], { cwd: dir, env });
      const major = /^(\d+)\./.exec(version.stdout.trim())?.[1] ?? '8';
      await writeFile(
        path.join(dir, 'Snippet.csproj'),
        `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net${major}.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>\n`,
      );
      void file;
      return runProgram('dotnet', ['run', '--project', path.join(dir, 'Snippet.csproj')], {
        cwd: dir,
        env: { ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
      });
    },
    // No dotnet here to write one against: the C# snippet is never run on this machine.
    harness: async () => ({ code: null, stdout: '', stderr: 'no harness for C#: no dotnet here' }),
  },
  {
    ...simple('shell', 'curl', 'curl', (file) => [file]),
    run: (dir, file, env) => runProgram('sh', [file], { cwd: dir, env }),
    harness: async (dir, file, env, between) => {
      const sourced = path.join(dir, 'functions.sh');
      await writeFile(sourced, await withoutMain(file, "choreo_call '"));
      return runConversation('sh', [path.join(HARNESS, 'harness.sh'), sourced], { cwd: dir, env, lines: 2, between });
    },
  },
];
