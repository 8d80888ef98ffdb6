/**
 * The webview forms: Create an External Consumer, Create a Service, Overview, Configure (authentication per environment),
 * Create Connection, Add Identity Provider and an identity provider's overview. The composition root calls {@link registerWebviews} once; commands call the
 * returned API. Each form's actions run the same use cases (src/useCases) as the commands.
 *
 * Only this file loads at activation (it registers the serializers that restore panels after a reload); the forms,
 * their protocols and zod load on first use, so activation stays fast.
 */
import * as vscode from 'vscode';
import type { OrgRef } from '../tree/refs';
import type { Change, UseCaseContext } from '../useCases/context';
import type { NewConnection } from '../useCases/createConnection';
import type { Forms } from './forms';

/** A component as the tree, the API or a form names it. */
export type ComponentLike =
  | { org: string; project: string; component: string }
  | { orgHandle: string; projectHandle: string; name: string }
  | { orgHandle: string; projectHandle: string; componentName: string };
/** What Create Connection opens with besides the consumer (the editor's quick fix names the connection). */
export type ConnectionSuggestion = Partial<Pick<NewConnection, 'name'>>;
/** A project as the tree, the API or a form names it. */
export type ProjectLike = { org: string; project: string } | { orgHandle: string; handle: string } | { orgHandle: string; projectHandle: string };

export interface WebviewForms {
  openCreateExternalConsumer(project?: ProjectLike): Promise<void>;
  openCreateService(project?: ProjectLike): Promise<void>;
  openOverview(component: ComponentLike): Promise<void>;
  openConfigureAuthentication(environment: { org: string; project: string; component: string; environment: string }): Promise<void>;
  openCreateConnection(component: ComponentLike, suggested?: ConnectionSuggestion): Promise<void>;
  openAddIdentityProvider(org: OrgRef): Promise<void>;
  /** An identity provider's overview, by the provider's id. */
  openIdentityProvider(provider: OrgRef & { identityProvider: string }): Promise<void>;
  /** Tells open forms what changed (they reload if it is theirs); a no-op before any form was opened. */
  changed(change: Change): void;
}

/** The viewTypes of the forms' panels (also their `onWebviewPanel:` activation events). */
export const FORM_VIEW_TYPES = [
  'choreo.overview',
  'choreo.configureAuthentication',
  'choreo.createConnection',
  'choreo.createExternalConsumer',
  'choreo.createService',
  'choreo.addIdentityProvider',
  'choreo.identityProvider',
] as const;

export function registerWebviews(context: vscode.ExtensionContext, ctx: UseCaseContext): WebviewForms {
  let forms: Forms | undefined;
  const load = async () => (forms ??= (await import('./forms.js')).createForms(context, ctx));
  for (const viewType of FORM_VIEW_TYPES) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: async (panel, state) => (await load()).restore(viewType, panel, state),
      }),
    );
  }
  return {
    openCreateExternalConsumer: async (project) => (await load()).openCreateExternalConsumer(project),
    openCreateService: async (project) => (await load()).openCreateService(project),
    openOverview: async (component) => (await load()).openOverview(component),
    openConfigureAuthentication: async (environment) => (await load()).openConfigureAuthentication(environment),
    openCreateConnection: async (component, suggested) => (await load()).openCreateConnection(component, suggested),
    openAddIdentityProvider: async (org) => (await load()).openAddIdentityProvider(org),
    openIdentityProvider: async (provider) => (await load()).openIdentityProvider(provider),
    changed: (change) => forms?.changed(change),
  };
}
