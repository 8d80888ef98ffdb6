import type * as vscode from 'vscode';
import type { Change } from '../useCases/context';
import type { ComponentRef, EnvironmentRef, OrgRef, ProjectRef } from '../api/refs';

/** How one form opens another, and hears that something changed (so an open Overview reloads). */
export interface FormNavigation {
  openOverview(ref: ComponentRef): void;
  /** With `then`, the Configure page runs that action once it is up. */
  openConfigure(ref: EnvironmentRef, then?: 'generateKeys'): void;
  openCreateConnection(ref: ComponentRef): void;
  openAddIdentityProvider(org: OrgRef): void;
  openCreateService(project: ProjectRef): void;
  readonly onDidChange: vscode.Event<Change>;
}

export function componentKey(ref: ComponentRef): string {
  return `${ref.orgHandle}/${ref.projectHandle}/${ref.componentName}`;
}

/** Whether a change concerns this component (or, with `orgWide`, anything of its organization such as a new provider). */
export function touches(change: Change, ref: ComponentRef, orgWide = false): boolean {
  if (change.orgHandle === undefined) return true;
  if (change.orgHandle !== ref.orgHandle) return false;
  if (change.projectHandle === undefined) return orgWide;
  return change.projectHandle === ref.projectHandle && (change.componentName === undefined || change.componentName === ref.componentName);
}
