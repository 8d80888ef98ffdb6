/**
 * The forms' panel kinds, built on first use (see index.ts): nothing here loads at activation.
 *
 * One panel per consumer: its Overview, Configure and Create Connection are pages of one tab that navigates (as a
 * browser tab does), so walking Overview → Configure → Back to Overview leaves one tab, not three. Create External
 * Consumer becomes the new consumer's Overview; Add Identity Provider, an organization's form, closes once the
 * provider is added and the Configure page that opened it offers the new provider.
 */
import * as vscode from 'vscode';
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
import { ComponentRef, EnvironmentRef, IdentityProviderRef, OrgRef, ProjectRef, refIn } from '../api/refs';
import { componentKey, type FormNavigation } from './navigation';
import { IdentityProviderPanel } from './identityProvider/host';
import { identityProviderProtocol } from './identityProvider/protocol';
import { OverviewPanel } from './overview/host';
import { overviewProtocol } from './overview/protocol';
import type { AnyProtocol, FormPanel } from './formPanel';
import { PanelKind } from './panelKind';
import type { ProjectFormPanel } from './projectFormPanel';
import type { z } from 'zod';
import type { FormName } from './formList';

/**
 * A form opens on a resource's ref (src/api/refs.ts); a tree row's or a use case's target is that ref with more, and
 * only its handles are kept.
 */
export interface Forms {
  openCreateExternalConsumer(project?: ProjectRef): void;
  openCreateService(project?: ProjectRef): void;
  openOverview(component: ComponentRef): void;
  openConfigureAuthentication(environment: EnvironmentRef): void;
  openCreateConnection(component: ComponentRef, suggested?: ConnectionSuggestion): void;
  openAddIdentityProvider(org: OrgRef): void;
  openIdentityProvider(provider: IdentityProviderRef): void;
  changed(change: Change): void;
  /** Hands a panel VS Code restored after a reload to the panel kind of its viewType. */
  restore(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

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
    openAddIdentityProvider: (org) => void addIdentityProvider.show(refIn(OrgRef, org)),
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
  // One Create form of each at a time: a second open re-targets it to the project it was opened from.
  function createForm<P extends AnyProtocol, H extends ProjectFormPanel<P>>(
    protocol: P,
    form: z.ZodLiteral<string>,
    title: string,
    Host: new (...args: ConstructorParameters<typeof ProjectFormPanel<P>>) => H,
  ): PanelKind<string, H> {
    return new PanelKind({
      ...common,
      protocol,
      refSchema: form,
      key: () => form.value,
      title: () => title,
      create: (panel) => new Host(panel, protocol, undefined, ctx, nav),
    });
  }
  const createConsumer = createForm(createExternalConsumerProtocol, CREATE_FORM, vscode.l10n.t('Create an External Consumer'), CreateExternalConsumerPanel);
  const createService = createForm(createServiceProtocol, CREATE_SERVICE_FORM, vscode.l10n.t('Create a Service'), CreateServicePanel);
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
    openCreateExternalConsumer: (project) => createConsumer.show(CREATE_FORM.value).select(project && refIn(ProjectRef, project)),
    openCreateService: (project) => createService.show(CREATE_SERVICE_FORM.value).select(project && refIn(ProjectRef, project)),
    openOverview: (component) => page(overview, refIn(ComponentRef, component)),
    openConfigureAuthentication: (environment) => page(configure, refIn(EnvironmentRef, environment)),
    openCreateConnection: (component, suggested) => {
      const host = page(createConnection, refIn(ComponentRef, component));
      if (suggested?.name) host.suggest(suggested.name);
    },
    openAddIdentityProvider: (org) => nav.openAddIdentityProvider(org),
    openIdentityProvider: (provider) => void identityProvider.show(refIn(IdentityProviderRef, provider)),
    changed: (change) => changes.fire(change),
    async restore(viewType, panel, state) {
      const kind = kinds.get(viewType);
      if (kind) await kind.deserializeWebviewPanel(panel, state);
      else panel.dispose();
    },
  };
}
