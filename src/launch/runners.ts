/**
 * How Run with Connection Values runs a file, per language: under the language's debugger when it is installed (the
 * launch carries the `choreo` attribute, resolved like any launch configuration's), else with the language's runtime
 * in a terminal that has the values (Open Terminal with Connection Values). Pure: the command checks the extensions.
 */
import { DEBUG_ATTRIBUTE } from './attribute';

export interface Runner {
  /** What the CodeLens and messages call it. */
  label: string;
  /** VS Code language ids of the files it runs. */
  languageIds: readonly string[];
  /** The debugger: the extension that contributes it, and the configuration that launches `file`. */
  debugger?: { extension: string; configuration(file: string, folder: string): { type: string; request: string; [attribute: string]: unknown } };
  /** The runtime's command line for `file` (quoted for a POSIX shell), in the file's folder. */
  command(file: string): string;
}

/** A path as one POSIX shell word. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_\-./:@%+=,]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export const RUNNERS: readonly Runner[] = [
  {
    label: 'Node.js',
    languageIds: ['javascript'],
    // js-debug ships with VS Code.
    debugger: { extension: 'ms-vscode.js-debug', configuration: (file, folder) => ({ type: 'node', request: 'launch', program: file, cwd: folder }) },
    command: (file) => `node ${shellQuote(file)}`,
  },
  {
    label: 'Python',
    languageIds: ['python'],
    debugger: {
      extension: 'ms-python.debugpy',
      configuration: (file, folder) => ({ type: 'debugpy', request: 'launch', program: file, cwd: folder, console: 'internalConsole' }),
    },
    command: (file) => `python3 ${shellQuote(file)}`,
  },
  {
    label: 'Go',
    languageIds: ['go'],
    debugger: { extension: 'golang.go', configuration: (file) => ({ type: 'go', request: 'launch', mode: 'debug', program: file }) },
    command: (file) => `go run ${shellQuote(file)}`,
  },
  {
    label: 'Java',
    languageIds: ['java'],
    // A single source file (Java 11+), as the Java debugger launches one.
    debugger: { extension: 'vscjava.vscode-java-debug', configuration: (file, folder) => ({ type: 'java', request: 'launch', mainClass: file, cwd: folder }) },
    command: (file) => `java ${shellQuote(file)}`,
  },
  { label: 'Shell', languageIds: ['shellscript'], command: (file) => `sh ${shellQuote(file)}` },
];

export function runnerFor(languageId: string): Runner | undefined {
  return RUNNERS.find((r) => r.languageIds.includes(languageId));
}

/** The launch configuration of Run with Connection Values: the debugger's, named, with the attribute. */
export function launchConfiguration(
  runner: Runner,
  file: string,
  folder: string,
  environment: string,
): { name: string; type: string; request: string; [attribute: string]: unknown } {
  const base = runner.debugger!.configuration(file, folder);
  return { ...base, name: `${file.split(/[\\/]/).pop()} with connection values (${environment})`, [DEBUG_ATTRIBUTE]: { environment } };
}
