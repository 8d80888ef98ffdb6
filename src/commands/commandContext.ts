/** What every command gets: the services of the composition root. */
import type * as vscode from 'vscode';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { ControlPlaneConnection } from '../lifecycle/controlPlaneConnection';
import type { CredentialVault } from '../secrets/credentialVault';
import type { TeamSignIns } from '../auth/teamSignIns';
import type { ResourcesTreeProvider } from '../tree/resourcesTreeProvider';
import type { ComponentRef } from '../tree/refs';
import type { WebviewForms } from '../webviews';

/** Opens a component's Overview (the webview form). */
export interface OverviewOpener {
  open(component: ComponentRef): Promise<void>;
}

export interface CommandContext {
  /** The control plane in use; changes when the user switches. */
  readonly connection: ControlPlaneConnection;
  /** A client once the control plane is up; throws a ControlPlaneError (`unreachable`) when it is not. */
  client(): Promise<ControlPlaneClient>;
  readonly vault: CredentialVault;
  /** Signing in to a team's control plane with its identity provider. */
  readonly signIns?: TeamSignIns;
  readonly tree: ResourcesTreeProvider;
  readonly log: vscode.LogOutputChannel;
  overview: OverviewOpener;
  /** The webview forms; absent, the commands run their quick-input flows. */
  forms?: WebviewForms;
  /** Reloads a component's project in the tree and selects the component's row. */
  showComponent(component: { orgHandle: string; projectHandle: string; name: string }): Promise<void>;
  /** Re-reads the settings and connects to the control plane they name. */
  reconnect(): Promise<void>;
}

/** A command: the first argument is a tree node (from a menu), a plain object (from tests, forms), or nothing. */
export type Command = (ctx: CommandContext, arg?: unknown, ...rest: unknown[]) => Promise<unknown>;

/** The user dismissed a prompt: the command stops without an error message. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'Cancelled';
  }
}

/** An error a command raises itself, with a stable code like the API's. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}
