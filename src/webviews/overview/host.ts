import * as vscode from 'vscode';
import { connectionArg } from '../commandArgs';
import { FormPanel } from '../formPanel';
import type { ComponentRef } from '../ipc';
import { sameComponent, type FormNavigation } from '../navigation';
import type { WebviewServices } from '../services';
import { overviewProtocol, type OverviewToHost } from './protocol';

export class OverviewPanel extends FormPanel<typeof overviewProtocol> {
  /** Set when the component changed while the panel was hidden: it reloads when shown again. */
  private stale = false;
  /** What the panel shows: a message may only act on these (a forged or stale message naming others is refused). */
  private shown: { environments: Set<string>; connections: Set<string> } | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ComponentRef,
    services: WebviewServices,
    private readonly nav: FormNavigation,
  ) {
    super(panel, overviewProtocol, services);
    this.disposables.push(
      nav.onDidChangeComponent((changed) => {
        if (!sameComponent(changed, ref)) return;
        if (panel.visible) void this.load().catch((e) => this.fail(e));
        else this.stale = true;
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) void this.load().catch((e) => this.fail(e));
      }),
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
      case 'createConnection':
        this.nav.openCreateConnection(this.ref);
        return;
      case 'insertSnippet':
        if (!this.shown?.connections.has(m.connectionName)) return this.refuseNotShown('insertSnippet', 'connection');
        await vscode.commands.executeCommand('choreo.insertConnectionSnippet', await connectionArg(await this.services.client(), this.ref, m.connectionName));
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Copied to the clipboard.', 3000);
        return;
    }
  }

  private refuseNotShown(type: string, what: string): void {
    // The value is not logged: it came from the webview and is not trusted.
    this.services.log.warn(`${this.protocol.viewType}: refused ${type} (not_shown): that ${what} is not one this panel shows.`);
  }

  async load(): Promise<void> {
    this.stale = false;
    const { orgHandle, projectHandle, componentName } = this.ref;
    const c = await this.services.client();
    const component = await c.getComponent(orgHandle, projectHandle, componentName);
    const consumer = component.type === 'external-consumer';
    const [environments, authConfigurations, connections] = await Promise.all([
      c.listEnvironments(orgHandle),
      consumer ? c.listAuthConfigurations(orgHandle, projectHandle, componentName) : Promise.resolve([]),
      consumer ? c.listConnections(orgHandle, projectHandle, componentName) : Promise.resolve([]),
    ]);
    this.shown = { environments: new Set(environments.map((e) => e.handle)), connections: new Set(connections.map((c) => c.name)) };
    this.panel.title = component.displayName || component.name;
    await this.post({ type: 'data', component, environments, authConfigurations, connections });
  }
}
