/**
 * The form's strings in VS Code's display language: the extension puts its bundle (`vscode.l10n.bundle`) into the page
 * (src/webviews/html.ts) and @vscode/l10n's `l10n.t` looks each string up in it. Every form imports this module first,
 * so strings at the top level of the modules after it are already translated. In English there is no bundle.
 */
import * as l10n from '@vscode/l10n';

const strings = document.querySelector('meta[name="choreo-l10n"]')?.getAttribute('content');
if (strings) l10n.config({ contents: strings });
