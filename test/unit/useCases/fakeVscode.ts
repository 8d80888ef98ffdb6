/**
 * `vscode` at the edge, for modules that import it but whose behaviour under test runs in plain Node (the form hosts):
 * a stand-in that records clipboard writes, status-bar messages and modal warnings (answered as told).
 */
import Module from 'node:module';
import * as path from 'node:path';

/** A tree row as VS Code's TreeItem holds it (the tree's nodes build these). */
class TreeItem {
  id?: string;
  description?: string;
  iconPath?: unknown;
  contextValue?: string;
  tooltip?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

export const fakeVscode = {
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  clipboard: [] as string[],
  commands: { executeCommand: async (..._args: unknown[]): Promise<unknown> => undefined },
  env: { clipboard: { writeText: async (text: string) => void fakeVscode.clipboard.push(text) }, language: 'en' },
  /** English, as VS Code's own l10n.t without a bundle: `{0}`… replaced by the arguments. */
  l10n: {
    bundle: undefined,
    t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)),
  },
  /** Modal warnings shown (their message), and the button the next ones answer with (undefined: dismissed). */
  warnings: [] as string[],
  warningAnswer: undefined as string | undefined,
  window: {
    setStatusBarMessage: () => ({ dispose() {} }),
    showWarningMessage: async (message: string) => {
      fakeVscode.warnings.push(message);
      return fakeVscode.warningAnswer;
    },
  },
};

/** Loads a module with `vscode` resolved to the stand-in above. */
export function requireWithFakeVscode<T>(id: string): T {
  const fake = path.join(__dirname, 'vscode-stand-in.js');
  require.cache[fake] = { id: fake, filename: fake, loaded: true, exports: fakeVscode } as NodeJS.Module;
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : original.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a load at run time, through the resolver patched above
    return require(id) as T;
  } finally {
    m._resolveFilename = original;
  }
}
