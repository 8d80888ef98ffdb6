import * as vscode from 'vscode';
import type { Component, ConnectedConsumer, Connection, UpdateEndpoint } from '../../api';
import { isControlPlaneError } from '../../client/errors';
import type { UseCaseContext } from '../../useCases/context';
import { insertSnippet } from '../../useCases/connectionCode';
import { UseCaseError } from '../../useCases/errors';
import { isLoopbackHost, probeUpstream } from '../../useCases/probeUpstream';
import { resolveConnection } from '../../useCases/targets';
import { revokeConfirmation } from '../../useCases/revokeConnection';
import { updateEndpoint } from '../../useCases/updateEndpoint';
import { FormPanel } from '../formPanel';
import type { ComponentRef } from '../../api/refs';
import { componentKey, touches, type FormNavigation } from '../navigation';
import { CORS_FIELDS, corsFieldId, overviewProtocol, upstreamFieldId, visibilityFieldId, type OverviewToHost } from './protocol';

export class OverviewPanel extends FormPanel<typeof overviewProtocol> {
  /** What the panel shows: a message may only act on these (a forged or stale message naming others is refused). */
  private shown:
    | {
        environments: Set<string>;
        connections: Map<string, Connection>;
        endpoints: Set<string>;
        consumers: Set<string>;
        incoming: Map<string, ConnectedConsumer>;
        component: Component;
      }
    | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ComponentRef,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, overviewProtocol, ctx);
    this.reloadOn(
      nav.onDidChange,
      (change) => touches(change, ref),
      () => this.load(),
    );
  }

  protected async handle(m: OverviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'refresh':
        return this.load();
      case 'configure':
        if (!this.shown?.environments.has(m.environment)) return this.refuseNotShown('configure', 'environment');
        this.nav.openConfigure({ ...this.ref, environment: m.environment });
        return;
      case 'generateKeys':
        if (!this.shown?.environments.has(m.environment)) return this.refuseNotShown('generateKeys', 'environment');
        this.nav.openConfigure({ ...this.ref, environment: m.environment }, 'generateKeys');
        return;
      case 'createConnection':
        this.nav.openCreateConnection(this.ref);
        return;
      case 'insertSnippet': {
        const connection = this.shown?.connections.get(m.connectionName);
        if (!connection) return this.refuseNotShown('insertSnippet', 'connection');
        await insertSnippet(this.ctx, await resolveConnection(this.ctx, { ...this.ref, connection }));
        return;
      }
      case 'saveUpstream': {
        if (!this.shown?.endpoints.has(m.endpoint)) return this.refuseNotShown('saveUpstream', 'endpoint');
        if (!this.shown.environments.has(m.environment)) return this.refuseNotShown('saveUpstream', 'environment');
        const field = upstreamFieldId(m.endpoint, m.environment);
        const url = m.url.trim();
        return this.action(async () => {
          try {
            await updateEndpoint(this.ctx, this.ref, m.endpoint, { upstreamUrls: { [m.environment]: url === '' ? null : url } });
          } catch (e) {
            throw onUpstreamField(e, field);
          }
          await this.post({ type: 'saved', field });
        });
      }
      case 'saveCors': {
        if (!this.shown?.endpoints.has(m.endpoint)) return this.refuseNotShown('saveCors', 'endpoint');
        // `cors.allowOrigins.0` (the use case's or the server's path) → that part's field.
        const onField = (path: string) => {
          const part = CORS_FIELDS.find((f) => path === `cors.${f}` || path.startsWith(`cors.${f}.`));
          return part && corsFieldId(m.endpoint, part);
        };
        return this.action(async () => {
          // The use case checks it with the API's rule (a method that is none is refused under its field there).
          await updateEndpoint(this.ctx, this.ref, m.endpoint, { cors: m.cors as UpdateEndpoint['cors'] });
          await this.post({ type: 'saved', field: corsFieldId(m.endpoint) });
        }, onField);
      }
      case 'saveVisibility': {
        const shown = this.shown;
        if (!shown?.endpoints.has(m.endpoint)) return this.refuseNotShown('saveVisibility', 'endpoint');
        const field = visibilityFieldId(m.endpoint);
        return this.action(async () => {
          try {
            await updateEndpoint(this.ctx, this.ref, m.endpoint, { visibility: m.visibility });
          } catch (e) {
            if (!isControlPlaneError(e) || !e.uses?.length) throw e;
            // The consumers it names are ones the page may now link to.
            for (const u of e.uses)
              shown.consumers.add(componentKey({ orgHandle: u.orgHandle, projectHandle: u.projectHandle, componentName: u.componentName }));
            this.ctx.log.warn(`${this.protocol.viewType}: ${e.code}: ${e.message}`);
            await this.post({ type: 'refused', field, code: e.code, message: e.message, uses: e.uses });
            return;
          }
          await this.post({ type: 'saved', field });
        });
      }
      case 'openConsumer':
        if (!this.shown?.consumers.has(componentKey(m.consumer))) return this.refuseNotShown('openConsumer', 'consumer');
        this.nav.openOverview(m.consumer);
        return;
      case 'revokeConnection': {
        const shown = this.shown;
        const incoming = shown?.incoming.get(m.connectionId);
        if (!shown || !incoming) return this.refuseNotShown('revokeConnection', 'connection');
        const answer = await vscode.window.showWarningMessage(revokeConfirmation(incoming, shown.component), { modal: true }, 'Revoke');
        if (answer !== 'Revoke') return;
        return this.action(async () => {
          const { orgHandle, projectHandle, componentName } = this.ref;
          await (await this.ctx.client()).revokeConnection(orgHandle, projectHandle, componentName, incoming.connectionId);
          await this.load();
        });
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Copied to the clipboard.', 3000);
        return;
    }
  }

  private refuseNotShown(type: string, what: string): void {
    // The value is not logged: it came from the webview and is not trusted.
    this.ctx.log.warn(`${this.protocol.viewType}: refused ${type} (not_shown): that ${what} is not one this panel shows.`);
  }

  async load(): Promise<void> {
    const { orgHandle, projectHandle, componentName } = this.ref;
    const c = await this.ctx.client();
    const component = await c.getComponent(orgHandle, projectHandle, componentName);
    const consumer = component.type === 'external-consumer';
    const [environments, authConfigurations, connections, connected] = await Promise.all([
      c.listEnvironments(orgHandle),
      consumer ? c.listAuthConfigurations(orgHandle, projectHandle, componentName) : Promise.resolve([]),
      consumer ? c.listConnections(orgHandle, projectHandle, componentName) : Promise.resolve([]),
      consumer ? undefined : connectedConsumers(() => c.listConnectedConsumers(orgHandle, projectHandle, componentName)),
    ]);
    this.shown = {
      environments: new Set(environments.map((e) => e.handle)),
      connections: new Map(connections.map((c) => [c.name, c])),
      endpoints: new Set((component.endpoints ?? []).map((e) => e.name)),
      consumers: new Set(
        (connected?.items ?? []).map((x) =>
          componentKey({ orgHandle: x.consumer.orgHandle, projectHandle: x.consumer.projectHandle, componentName: x.consumer.name }),
        ),
      ),
      incoming: new Map((connected?.items ?? []).map((x) => [x.connectionId, x])),
      component,
    };
    this.panel.title = component.displayName || component.name;
    await this.post({
      type: 'data',
      component,
      environments,
      authConfigurations,
      connections,
      ...(connected?.items ? { connectedConsumers: connected.items } : {}),
      ...(connected?.error ? { connectedConsumersError: connected.error } : {}),
    });
    if (!consumer) await this.probeUpstreams(component);
  }

  /**
   * Says beside each upstream URL whether it answers from this machine (after the page shows, each as it comes); only
   * on the local control plane. A team server's URLs were written by anyone in the organization: opening the page
   * must not make this machine call them (a GET into its own loopback or network), and the answer would not say what
   * the server's gateway gets anyway.
   */
  private async probeUpstreams(service: Component): Promise<void> {
    const { baseUrl } = await this.ctx.client();
    if (!isLoopbackHost(new URL(baseUrl).hostname)) return;
    const urls = new Set((service.endpoints ?? []).flatMap((e) => Object.values(e.upstreamUrls)));
    await Promise.all(
      [...urls].map(async (url) => {
        const r = await probeUpstream(url, baseUrl);
        await this.post({ type: 'probed', url, answered: r.answered, summary: r.summary, ...(r.remoteNote ? { remoteNote: r.remoteNote } : {}) });
      }),
    );
  }
}

/** The connected consumers, or why they could not be read: the rest of the Service Overview shows either way. */
async function connectedConsumers(read: () => Promise<ConnectedConsumer[]>): Promise<{ items?: ConnectedConsumer[]; error?: string }> {
  try {
    return { items: await read() };
  } catch (e) {
    return { error: vscode.l10n.t('The consumers connected to this service could not be read: {0}', (e as Error).message) };
  }
}

/** A refused upstream URL lands under its field (the use case and the server name it by environment). */
function onUpstreamField(e: unknown, field: string): unknown {
  const code = (e as { code?: unknown }).code;
  const onField = code === 'validation_failed' && (e instanceof UseCaseError || isControlPlaneError(e));
  if (!onField) return e;
  const first = e instanceof UseCaseError ? Object.values(e.fields)[0] : isControlPlaneError(e) ? e.fields?.[0]?.message : undefined;
  return new UseCaseError('validation_failed', (e as Error).message, { [field]: first ?? (e as Error).message });
}
