/**
 * The webview forms: Create an External Consumer, Overview, Configure (authentication per environment) and Create
 * Connection. The composition root calls {@link registerWebviews} once; commands call the returned API.
 *
 * Only this file loads at activation (it registers the serializers that restore panels after a reload); the forms,
 * their protocols and zod load on first use, so activation stays fast.
 */
import * as vscode from 'vscode';
import type { Forms } from './forms';
import type { WebviewServices } from './services';

export type { FormsClient, FormsVault, WebviewServices } from './services';

/** A component as the tree, the API or a form names it. */
export type ComponentLike =
  | { org: string; project: string; component: string }
  | { orgHandle: string; projectHandle: string; name: string }
  | { orgHandle: string; projectHandle: string; componentName: string };
/** A project as the tree, the API or a form names it. */
export type ProjectLike = { org: string; project: string } | { orgHandle: string; handle: string } | { orgHandle: string; projectHandle: string };

export interface WebviewForms {
  openCreateExternalConsumer(project?: ProjectLike): Promise<void>;
  openOverview(component: ComponentLike): Promise<void>;
  openConfigureAuthentication(component: ComponentLike, environment: string): Promise<void>;
  openCreateConnection(component: ComponentLike): Promise<void>;
}

/** The viewTypes of the forms' panels (also their `onWebviewPanel:` activation events). */
export const FORM_VIEW_TYPES = ['choreo.overview', 'choreo.configureAuthentication', 'choreo.createConnection', 'choreo.createExternalConsumer'] as const;

export function registerWebviews(context: vscode.ExtensionContext, services: WebviewServices): WebviewForms {
  let forms: Forms | undefined;
  const load = async () => (forms ??= (await import('./forms.js')).createForms(context, services));
  for (const viewType of FORM_VIEW_TYPES) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: async (panel, state) => (await load()).restore(viewType, panel, state),
      }),
    );
  }
  return {
    openCreateExternalConsumer: async (project) => (await load()).openCreateExternalConsumer(project),
    openOverview: async (component) => (await load()).openOverview(component),
    openConfigureAuthentication: async (component, environment) => (await load()).openConfigureAuthentication(component, environment),
    openCreateConnection: async (component) => (await load()).openCreateConnection(component),
  };
}
