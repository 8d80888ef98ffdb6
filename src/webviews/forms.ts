/**
 * The webview forms: Create an External Consumer, Overview, Configure (authentication per environment) and Create
 * Connection. The composition root calls {@link registerWebviews} once; commands call the returned API.
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

export type { FormsClient, FormsVault, WebviewServices } from './services';

/** A component as the tree and the API name it: either a {@link ComponentRef} or an API `Component`. */
export type ComponentLike = ComponentRef | { orgHandle: string; projectHandle: string; name: string };
export type ProjectLike = ProjectRef | { orgHandle: string; handle: string };

export interface WebviewForms {
  openCreateExternalConsumer(project?: ProjectLike): void;
  openOverview(component: ComponentLike): void;
  openConfigureAuthentication(component: ComponentLike, environment: string): void;
  openCreateConnection(component: ComponentLike): void;
}

export function toComponentRef(c: ComponentLike): ComponentRef {
  return ComponentRef.parse('componentName' in c ? c : { orgHandle: c.orgHandle, projectHandle: c.projectHandle, componentName: c.name });
}

export function toProjectRef(p: ProjectLike): ProjectRef {
  return ProjectRef.parse('projectHandle' in p ? p : { orgHandle: p.orgHandle, projectHandle: p.handle });
}

export function registerWebviews(context: vscode.ExtensionContext, services: WebviewServices): WebviewForms {
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

  context.subscriptions.push(
    changes,
    ...[overview, configure, createConnection, createConsumer].map((kind) =>
      vscode.window.registerWebviewPanelSerializer(kind.viewType, kind),
    ),
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
  };
}
