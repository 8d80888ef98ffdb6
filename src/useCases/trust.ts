/**
 * Restricted Mode (package.json `capabilities.untrustedWorkspaces: limited`): the tree, the forms and the control
 * plane work in an untrusted folder, since they read nothing of it; what writes into the folder (.env, snippets, the
 * consumer link) waits until the user trusts it.
 */
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

export function requireTrust(ctx: Pick<UseCaseContext, 'workspaceTrusted'>, what: string): void {
  if (ctx.workspaceTrusted?.() !== false) return;
  throw new UseCaseError(
    'untrusted_workspace',
    l10n.t`${what} waits until you trust this folder: VS Code opened it in Restricted Mode. Trust it (Manage Workspace Trust, or Restricted Mode in the status bar), then run it again.`,
  );
}
