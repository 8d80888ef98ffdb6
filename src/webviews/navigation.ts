import type * as vscode from 'vscode';
import type { ConfigureRef } from './configureAuthentication/protocol';
import type { ComponentRef } from './ipc';

/** How one form opens another and tells the others that a component changed (so an open Overview reloads). */
export interface FormNavigation {
  openOverview(ref: ComponentRef): void;
  openConfigure(ref: ConfigureRef): void;
  openCreateConnection(ref: ComponentRef): void;
  componentChanged(ref: ComponentRef): void;
  readonly onDidChangeComponent: vscode.Event<ComponentRef>;
}

export function sameComponent(a: ComponentRef, b: ComponentRef): boolean {
  return a.orgHandle === b.orgHandle && a.projectHandle === b.projectHandle && a.componentName === b.componentName;
}

export function componentKey(ref: ComponentRef): string {
  return `${ref.orgHandle}/${ref.projectHandle}/${ref.componentName}`;
}
