/**
 * The forms' panel kinds, built on first use (see index.ts): nothing here loads at activation.
 *
 * One panel per consumer: its Overview, Configure and Create Connection are pages of one tab that navigates (as a
 * browser tab does), so walking Overview → Configure → Back to Overview leaves one tab, not three. Create External
 * Consumer becomes the new consumer's Overview; Add Identity Provider, an organization's form, closes once the
 * provider is added and the Configure page that opened it offers the new provider.
 */
import * as vscode from 'vscode';
import type { ComponentRef as ComponentTargetRef, OrgRef as OrgTarget, ProjectRef as ProjectTargetRef } from '../tree/refs';
import type { Change, UseCaseContext } from '../useCases/context';
import { AddIdentityProviderPanel } from './addIdentityProvider/host';
import { addIdentityProviderProtocol } from './addIdentityProvider/protocol';
import { ConfigureAuthenticationPanel } from './configureAuthentication/host';
import { configureAuthenticationProtocol } from './configureAuthentication/protocol';
import { CreateConnectionPanel } from './createConnection/host';
import { createConnectionProtocol } from './createConnection/protocol';
import { CreateExternalConsumerPanel } from './createExternalConsumer/host';
import { CREATE_FORM, createExternalConsumerProtocol } from './createExternalConsumer/protocol';
import { CreateServicePanel } from './createService/host';
import { CREATE_SERVICE_FORM, createServiceProtocol } from './createService/protocol';
import type { ConnectionSuggestion } from './index';
import { ComponentRef, EnvironmentRef, IdentityProviderRef, OrgRef, ProjectRef } from '../api/refs';
import { componentKey, type FormNavigation } from './navigation';
import { IdentityProviderPanel } from './identityProvider/host';
import { identityProviderProtocol } from './identityProvider/protocol';
import { OverviewPanel } from './overview/host';
import { overviewProtocol } from './overview/protocol';
import type { AnyProtocol, FormPanel } from './formPanel';
import { PanelKind } from './panelKind';
import type { FormName } from './formList';

/** The handles a form is opened on: the tree's and the use cases' refs (src/tree/refs.ts), whole or in part. */
type ProjectTarget = Pick<ProjectTargetRef, 'org' | 'project'>;
type ComponentTarget = Pick<ComponentTargetRef, 'org' | 'project' | 'component'>;

export interface Forms {
  openCreateExternalConsumer(project?: ProjectTarget): void;
  openCreateService(project?: ProjectTarget): void;
  openOverview(component: ComponentTarget): void;
  openConfigureAuthentication(environment: ComponentTarget & { environment: string }): void;
  openCreateConnection(component: ComponentTarget, suggested?: ConnectionSuggestion): void;
  openAddIdentityProvider(org: OrgTarget): void;
  openIdentityProvider(provider: OrgTarget & { identityProvider: string }): void;
  changed(change: Change): void;
  /** Hands a panel VS Code restored after a reload to the panel kind of its viewType. */
  restore(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

/** A panel's ref, checked with the protocol's schema (a handle that is not one is refused before a panel opens). */
const projectRefOf = (p: ProjectTarget): ProjectRef => ProjectRef.parse({ orgHandle: p.org, projectHandle: p.project });
const componentRefOf = (c: ComponentTarget): ComponentRef => ComponentRef.parse({ orgHandle: c.org, projectHandle: c.project, componentName: c.component });

export function createForms(context: vscode.ExtensionContext, ctx: UseCaseContext): Forms {
  const changes = new vscode.EventEmitter<Change>();
  /** The action the Configure page about to open runs once it is up. */
  let pendingConfigure: 'generateKeys' | undefined;
  const common = { extensionUri: context.extensionUri, log: ctx.log };

  const nav: FormNavigation = {
    openOverview: (ref) => void page(overview, ref),
    openConfigure: (ref, then) => {
      pendingConfigure = then;
      page(configure, ref);
      pendingConfigure = undefined;
    },
    openCreateConnection: (ref) => void page(createConnection, ref),
    openAddIdentityProvider: (org) => void addIdentityProvider.show(OrgRef.parse({ orgHandle: org.org })),
    openCreateService: (project) => createService.show(CREATE_SERVICE_FORM.value).select(project),
    onDidChange: changes.event,
  };

  const overview = new PanelKind({
    ...common,
    protocol: overviewProtocol,
    refSchema: ComponentRef,
    key: componentKey,
    title: (ref: ComponentRef) => ref.componentName,
    create: (panel, ref: ComponentRef) => new OverviewPanel(panel, ref, ctx, nav),
  });
  const configure = new PanelKind({
    ...common,
    protocol: configureAuthenticationProtocol,
    refSchema: EnvironmentRef,
    key: componentKey,
    title: (ref: EnvironmentRef) => vscode.l10n.t('Configure {0} · {1}', ref.environment, ref.componentName),
    create: (panel, ref: EnvironmentRef) => new ConfigureAuthenticationPanel(panel, ref, ctx, nav, pendingConfigure),
  });
  const createConnection = new PanelKind({
    ...common,
    protocol: createConnectionProtocol,
    refSchema: ComponentRef,
    key: componentKey,
    title: (ref: ComponentRef) => vscode.l10n.t('Create Connection · {0}', ref.componentName),
    create: (panel, ref: ComponentRef) => new CreateConnectionPanel(panel, ref, ctx, nav),
  });
  const consumerPages = [overview, configure, createConnection] as const;
  // One Create form at a time: a second open re-targets it to the project it was opened from.
  const createConsumer = new PanelKind({
    ...common,
    protocol: createExternalConsumerProtocol,
    refSchema: CREATE_FORM,
    key: () => CREATE_FORM.value,
    title: () => vscode.l10n.t('Create an External Consumer'),
    create: (panel) => new CreateExternalConsumerPanel(panel, undefined, ctx, nav),
  });
  const createService = new PanelKind({
    ...common,
    protocol: createServiceProtocol,
    refSchema: CREATE_SERVICE_FORM,
    key: () => CREATE_SERVICE_FORM.value,
    title: () => vscode.l10n.t('Create a Service'),
    create: (panel) => new CreateServicePanel(panel, undefined, ctx, nav),
  });
  const addIdentityProvider = new PanelKind({
    ...common,
    protocol: addIdentityProviderProtocol,
    refSchema: OrgRef,
    key: (ref: OrgRef) => ref.orgHandle,
    title: (ref: OrgRef) => vscode.l10n.t('Add Identity Provider · {0}', ref.orgHandle),
    create: (panel, ref: OrgRef) => new AddIdentityProviderPanel(panel, ref, ctx),
  });

  // An identity provider's overview: one tab per provider.
  const identityProvider = new PanelKind({
    ...common,
    protocol: identityProviderProtocol,
    refSchema: IdentityProviderRef,
    key: (ref: IdentityProviderRef) => `${ref.orgHandle}/${ref.identityProviderId}`,
    title: () => vscode.l10n.t('Identity Provider'),
    create: (panel, ref: IdentityProviderRef) => new IdentityProviderPanel(panel, ref, ctx, nav),
  });

  /** Shows one page of a consumer in the tab its other page had, and closes that page: one tab per consumer. */
  function page<R extends ComponentRef, H extends FormPanel<AnyProtocol>>(kind: PanelKind<R, H>, ref: R): H {
    const key = componentKey(ref);
    const others = consumerPages.filter((k) => k !== (kind as unknown));
    const column = others.map((k) => k.panelAt(key)?.viewColumn).find((c) => c !== undefined);
    const host = kind.show(ref, column);
    for (const k of others) k.closeAt(key);
    return host;
  }

  context.subscriptions.push(changes);
  // Every form of formList.ts has its panel kind here (the type says when one is missing).
  const byName: Record<FormName, vscode.WebviewPanelSerializer & { readonly viewType: string }> = {
    overview,
    configureAuthentication: configure,
    createConnection,
    createExternalConsumer: createConsumer,
    createService,
    addIdentityProvider,
    identityProvider,
  };
  const kinds = new Map<string, vscode.WebviewPanelSerializer>(Object.values(byName).map((kind) => [kind.viewType, kind]));

  return {
    openCreateExternalConsumer(project) {
      const ref = project ? projectRefOf(project) : undefined;
      createConsumer.show(CREATE_FORM.value).select(ref);
    },
    openCreateService(project) {
      const ref = project ? projectRefOf(project) : undefined;
      createService.show(CREATE_SERVICE_FORM.value).select(ref);
    },
    openOverview: (component) => page(overview, componentRefOf(component)),
    openConfigureAuthentication: (environment) => page(configure, EnvironmentRef.parse({ ...componentRefOf(environment), environment: environment.environment })),
    openCreateConnection: (component, suggested) => {
      const host = page(createConnection, componentRefOf(component));
      if (suggested?.name) host.suggest(suggested.name);
    },
    openAddIdentityProvider: (org) => nav.openAddIdentityProvider(org),
    openIdentityProvider: (p) => void identityProvider.show(IdentityProviderRef.parse({ orgHandle: p.org, identityProviderId: p.identityProvider })),
    changed: (change) => changes.fire(change),
    async restore(viewType, panel, state) {
      const kind = kinds.get(viewType);
      if (kind) await kind.deserializeWebviewPanel(panel, state);
      else panel.dispose();
    },
  };
}
