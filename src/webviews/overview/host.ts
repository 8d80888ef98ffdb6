import * as vscode from 'vscode';
import type { Connection } from '../../api';
import type { UseCaseContext } from '../../useCases/context';
import { insertSnippet } from '../../useCases/connectionCode';
import { resolveConnection } from '../../useCases/targets';
import { FormPanel } from '../formPanel';
import type { ComponentRef } from '../ipc';
import { targetOf, touches, type FormNavigation } from '../navigation';
import { overviewProtocol, type OverviewToHost } from './protocol';

export class OverviewPanel extends FormPanel<typeof overviewProtocol> {
  /** What the panel shows: a message may only act on these (a forged or stale message naming others is refused). */
  private shown: { environments: Set<string>; connections: Map<string, Connection> } | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ComponentRef,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, overviewProtocol, ctx);
    this.reloadOn(nav.onDidChange, (change) => touches(change, ref), () => this.load());
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
        await insertSnippet(this.ctx, await resolveConnection(this.ctx, { ...targetOf(this.ref), connection }));
        return;
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
    const [environments, authConfigurations, connections] = await Promise.all([
      c.listEnvironments(orgHandle),
      consumer ? c.listAuthConfigurations(orgHandle, projectHandle, componentName) : Promise.resolve([]),
      consumer ? c.listConnections(orgHandle, projectHandle, componentName) : Promise.resolve([]),
    ]);
    this.shown = { environments: new Set(environments.map((e) => e.handle)), connections: new Map(connections.map((c) => [c.name, c])) };
    this.panel.title = component.displayName || component.name;
    await this.post({ type: 'data', component, environments, authConfigurations, connections });
  }
}
