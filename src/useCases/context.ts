/**
 * The one context every use case runs with (in the spirit of vscode-azuretools' wizard context): the services it
 * acts through and the prompter that fills in what its caller did not give. A command passes the quick-input
 * prompter; a form fills every input itself, so its use cases never prompt (only to confirm what cannot be undone).
 * Types are the real ones (`ControlPlaneClient`, `Pick<CredentialVault, …>`), never copies.
 */
import type * as vscode from 'vscode';
import type { ComponentRef } from '../api/refs';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { CredentialVault } from '../secrets/credentialVault';

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
}

/** Asks the user; each method throws {@link Cancelled} when the user dismisses it. */
export interface Prompter {
  pick<T extends PickItem>(items: readonly T[], o: { title: string; placeHolder?: string }): Promise<T>;
  ask(o: {
    title: string;
    prompt: string;
    value?: string;
    placeHolder?: string;
    password?: boolean;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  /** Asks before something that cannot be undone; resolves only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<void>;
  /** A modal question with several answers; resolves the one chosen. */
  choose<A extends string>(message: string, detail: string, answers: readonly A[]): Promise<A>;
  /** Runs `job` with a progress notification titled `title`. */
  progress<T>(title: string, job: () => Promise<T>): Promise<T>;
}

/** What changed, by handles: the tree reloads that subtree (all of it without `org`) and open forms of that component reload. */
export interface Change extends Partial<ComponentRef> {
  /** The component's connections changed (the tree reloads its Connections group). */
  connections?: boolean;
  /** The component was just created: the tree selects its row. */
  created?: boolean;
  /** The organization's members changed (the tree reloads its Members row). */
  members?: boolean;
  /** The organization's identity providers, or who uses them, changed (the tree reloads its Identity Providers row). */
  identityProviders?: boolean;
  /** The test users of the built-in identity provider in this environment changed (the tree reloads its Users row). */
  testUsers?: string;
}

export type UseCaseVault = Pick<CredentialVault, 'getConsumerSecret' | 'storeConsumerSecret' | 'deleteConsumerSecret' | 'deleteSecretsUnder'>;

export interface UseCaseContext {
  /** A client of the control plane in use, once it is up; asked at each use (the user may switch control planes). */
  client(): Promise<ControlPlaneClient>;
  readonly vault: UseCaseVault;
  readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
  readonly ui: Prompter;
  /** Told after a use case changed something, so the tree and open forms show it. */
  changed(change: Change): void;
  /** Whether the user trusts the workspace (false in Restricted Mode); writing into it waits for trust (trust.ts). */
  workspaceTrusted?(): boolean;
}
