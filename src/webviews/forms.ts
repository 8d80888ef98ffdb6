/**
 * The four forms' panel kinds, built on first use (see index.ts): nothing here loads at activation.
 */
import * as vscode from 'vscode';
import { ConfigureAuthenticationPanel } from './configureAuthentication/host';
import { ConfigureRef, configureAuthenticationProtocol } from './configureAuthentication/protocol';
import { CreateConnectionPanel } from './createConnection/host';
import { createConnectionProtocol } from './createConnection/protocol';
import { CreateExternalConsumerPanel } from './createExternalConsumer/host';
import { CREATE_FORM, createExternalConsumerProtocol } from './createExternalConsumer/protocol';
import { ComponentRef, ProjectRef } from './ipc';
import { PanelKind } from './panelKind';
import { componentKey, type FormNavigation } from './navigation';
import { OverviewPanel } from './overview/host';
import { overviewProtocol } from './overview/protocol';
import type { WebviewServices } from './services';

import type { ComponentLike, ProjectLike } from './index';

export interface Forms {
  openCreateExternalConsumer(project?: ProjectLike): void;
  openOverview(component: ComponentLike): void;
  openConfigureAuthentication(component: ComponentLike, environment: string): void;
  openCreateConnection(component: ComponentLike): void;
  /** Hands a panel VS Code restored after a reload to the panel kind of its viewType. */
  restore(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

/** Accepts the tree's refs (`org`, `project`, `component`), the API's `Component`, and the forms' own refs. */
export function toComponentRef(c: ComponentLike): ComponentRef {
  const r = c as Record<string, unknown>;
  return ComponentRef.parse({
    orgHandle: r.orgHandle ?? r.org,
    projectHandle: r.projectHandle ?? r.project,
    componentName: r.componentName ?? (typeof r.component === 'string' ? r.component : r.name),
  });
}

export function toProjectRef(p: ProjectLike): ProjectRef {
  const r = p as Record<string, unknown>;
  return ProjectRef.parse({ orgHandle: r.orgHandle ?? r.org, projectHandle: r.projectHandle ?? r.project ?? r.handle });
}

export function createForms(context: vscode.ExtensionContext, services: WebviewServices): Forms {
  const changes = new vscode.EventEmitter<ComponentRef>();
  const common = { extensionUri: context.extensionUri, log: services.log };

  const nav: FormNavigation = {
    openOverview: (ref) => void overview.show(ref),
    openConfigure: (ref) => void configure.show(ref),
    openCreateConnection: (ref) => void createConnection.show(ref),
    componentChanged: (ref) => changes.fire(ref),
    onDidChangeComponent: changes.event,
  };

  const overview = new PanelKind({
    ...common,
    protocol: overviewProtocol,
    refSchema: ComponentRef,
    key: componentKey,
    title: (ref: ComponentRef) => ref.componentName,
    create: (panel, ref: ComponentRef) => new OverviewPanel(panel, ref, services, nav),
  });
  const configure = new PanelKind({
    ...common,
    protocol: configureAuthenticationProtocol,
    refSchema: ConfigureRef,
    key: (ref: ConfigureRef) => `${componentKey(ref)}#${ref.environment}`,
    title: (ref: ConfigureRef) => `Configure ${ref.environment} · ${ref.componentName}`,
    create: (panel, ref: ConfigureRef) => new ConfigureAuthenticationPanel(panel, ref, services, nav),
  });
  const createConnection = new PanelKind({
    ...common,
    protocol: createConnectionProtocol,
    refSchema: ComponentRef,
    key: componentKey,
    title: (ref: ComponentRef) => `Create Connection · ${ref.componentName}`,
    create: (panel, ref: ComponentRef) => new CreateConnectionPanel(panel, ref, services, nav),
  });
  // One Create form at a time: a second open re-targets it to the project it was opened from.
  const createConsumer = new PanelKind({
    ...common,
    protocol: createExternalConsumerProtocol,
    refSchema: CREATE_FORM,
    key: () => CREATE_FORM.value,
    title: () => 'Create an External Consumer',
    create: (panel) => new CreateExternalConsumerPanel(panel, undefined, services, nav),
  });

  context.subscriptions.push(changes);
  const kinds = new Map<string, vscode.WebviewPanelSerializer>(
    [overview, configure, createConnection, createConsumer].map((kind) => [kind.viewType, kind]),
  );

  return {
    openCreateExternalConsumer(project) {
      const ref = project ? toProjectRef(project) : undefined;
      createConsumer.show(CREATE_FORM.value).select(ref);
    },
    openOverview: (component) => void overview.show(toComponentRef(component)),
    openConfigureAuthentication: (component, environment) =>
      void configure.show(ConfigureRef.parse({ ...toComponentRef(component), environment })),
    openCreateConnection: (component) => void createConnection.show(toComponentRef(component)),
    async restore(viewType, panel, state) {
      const kind = kinds.get(viewType);
      if (kind) await kind.deserializeWebviewPanel(panel, state);
      else panel.dispose();
    },
  };
}
