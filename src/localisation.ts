/**
 * The extension's runtime strings in VS Code's display language. Files that import `vscode` call `vscode.l10n.t`,
 * which VS Code points at l10n/bundle.l10n.<language>.json by itself; modules that also run in plain Node (src/useCases,
 * the sign-in, the client, the snippets: their tests load no `vscode`) call `l10n.t` of @vscode/l10n, which is given the
 * same bundle here. extension.ts imports this module first, so the module-level strings of every later module are
 * already looked up in it. In English there is no bundle and both return their text as written.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
