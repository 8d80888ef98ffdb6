// How each language's runnable snippet is run on this machine, and whether its toolchain is here at all.
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnippetLanguageId } from '../../src/snippets';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (or kills it at `timeoutMs`), never throwing on a non-zero exit. */
export function runProgram(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<RunResult> {
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

export interface LanguageRunner {
  language: SnippetLanguageId;
  /** The toolchain's name, as reported when it is missing. */
  toolchain: string;
  /** Undefined when the toolchain is here, else why the language is skipped. */
  missing(): Promise<string | undefined>;
  /** Runs `file` (written by the test in `dir`) with `env`. */
  run(dir: string, file: string, env: NodeJS.ProcessEnv): Promise<RunResult>;
}

const simple = (language: SnippetLanguageId, toolchain: string, command: string, args: (file: string) => string[]): LanguageRunner => ({
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

export const RUNNERS: LanguageRunner[] = [
  {
    language: 'typescript',
    toolchain: 'node + tsx',
    missing: async () => undefined,
    // tsx is a devDependency here; a user runs the file with tsx, ts-node or after tsc.
    run: (dir, file, env) => runProgram(process.execPath, [require.resolve('tsx/cli'), file], { cwd: dir, env }),
  },
  simple('javascript', 'node', process.execPath, (file) => [file]),
  simple('python', 'python3', 'python3', (file) => [file]),
  {
    ...simple('go', 'go', 'go', (file) => ['run', file]),
    // `go run` needs a writable build cache; GOFLAGS=-mod=mod keeps it out of any go.work above the temp folder.
    run: (dir, file, env) => runProgram('go', ['run', file], { cwd: dir, env: { ...env, GOCACHE: process.env.GOCACHE ?? path.join(process.env.HOME ?? dir, '.cache', 'go-build'), GO111MODULE: 'auto', GOWORK: 'off' } }),
  },
  simple('java', 'java', 'java', (file) => [file]),
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
      return runProgram('dotnet', ['run', '--project', path.join(dir, 'Snippet.csproj')], { cwd: dir, env: { ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
    },
  },
  {
    ...simple('shell', 'curl', 'curl', (file) => [file]),
    run: (dir, file, env) => runProgram('sh', [file], { cwd: dir, env }),
  },
];
