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
        this.nav.openConfigure({ ...this.ref, environment: m.environment });
        return;
      case 'createConnection':
        this.nav.openCreateConnection(this.ref);
        return;
      case 'insertSnippet':
        await vscode.commands.executeCommand('choreo.insertConnectionSnippet', await connectionArg(await this.services.client(), this.ref, m.connectionName));
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Copied to the clipboard.', 3000);
        return;
    }
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
    this.panel.title = component.displayName || component.name;
    await this.post({ type: 'data', component, environments, authConfigurations, connections });
  }
}
