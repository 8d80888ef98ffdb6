/** What every command gets: the use cases' context (with the quick-input prompter) and the composition root's services. */
import type * as vscode from 'vscode';
import type { ControlPlaneConnection } from '../lifecycle/controlPlaneConnection';
import type { CredentialVault } from '../secrets/credentialVault';
import type { TeamSignIns } from '../auth/teamSignIns';
import type { ResourcesTreeProvider } from '../tree/resourcesTreeProvider';
import type { UseCaseContext } from '../useCases/context';
import type { WebviewForms } from '../webviews';

export { Cancelled, UseCaseError as CommandError } from '../useCases/errors';

export interface CommandContext extends UseCaseContext {
  /** The control plane in use; changes when the user switches. */
  readonly connection: ControlPlaneConnection;
  /** The whole vault: the settings commands keep a remote control plane's access token in it too. */
  readonly vault: CredentialVault;
  /** Signing in to a team's control plane with its identity provider. */
  readonly signIns?: TeamSignIns;
  readonly log: vscode.LogOutputChannel;
  readonly tree: ResourcesTreeProvider;
  /** The webview forms: Create External Consumer, Overview, Configure, Create Connection, Add Identity Provider. */
  readonly forms: WebviewForms;
  /** Re-reads the settings and connects to the control plane they name. */
  reconnect(): Promise<void>;
}

/**
 * A command: its typed target first (a tree node, whose `ref` it reads, or the same shape from a form or a test),
 * then its options. VS Code may pass more (the selected rows); commands read only what they declare.
 */
export type Command = (ctx: CommandContext, ...args: never[]) => Promise<unknown>;

/** The options argument, when it is one: VS Code passes the selected rows (an array) in that place from a menu. */
export function optionsOf<O extends object>(o: O | undefined): Partial<O> {
  return o && typeof o === 'object' && !Array.isArray(o) && !('ref' in o) ? (o as Partial<O>) : {};
}
