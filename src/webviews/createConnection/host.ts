import type * as vscode from 'vscode';
import { readAll } from '../../client/readAll';
import type { UseCaseContext } from '../../useCases/context';
import { insertSnippet } from '../../useCases/connectionCode';
import { createConnection } from '../../useCases/createConnection';
import { resolveComponent, resolveConnection } from '../../useCases/targets';
import { FormPanel } from '../formPanel';
import type { ComponentRef } from '../../api/refs';
import type { FormNavigation } from '../navigation';
import { createConnectionProtocol, MAX_SERVICES, type CreateConnectionToHost, type ServiceChoice } from './protocol';
import * as l10n from '@vscode/l10n';

/** Server error codes and fields that belong to one field of this form. */
const FIELD_FOR = {
  'code:name_taken': 'name',
  'code:conflict': 'name',
  'code:not_visible': 'endpointName',
  serviceComponentName: 'service',
  serviceProjectHandle: 'service',
};

export class CreateConnectionPanel extends FormPanel<typeof createConnectionProtocol> {
  /** The name to start with (the editor's quick fix), until the form has been loaded with it. */
  private suggestedName?: string;
  private loaded = false;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ComponentRef,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createConnectionProtocol, ctx);
  }

  protected async handle(m: CreateConnectionToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.load();
      case 'openOverview':
        this.nav.openOverview(this.ref);
        return;
      case 'openService':
        this.nav.openOverview({ orgHandle: this.ref.orgHandle, projectHandle: m.projectHandle, componentName: m.componentName });
        return;
      case 'createService':
        this.nav.openCreateService({ orgHandle: this.ref.orgHandle, projectHandle: this.ref.projectHandle });
        return;
      case 'insertSnippet': {
        const connections = await (await this.ctx.client()).listConnections(this.ref.orgHandle, this.ref.projectHandle, this.ref.componentName);
        const connection = connections.find((c) => c.name === m.connectionName);
        if (!connection)
          throw Object.assign(new Error(`${this.ref.componentName} has no connection named "${m.connectionName}" any more.`), { code: 'not_found' });
        await insertSnippet(this.ctx, await resolveConnection(this.ctx, { ...this.ref, connection }));
        return;
      }
      case 'create':
        return this.action(async () => {
          const consumer = await resolveComponent(this.ctx, this.ref, 'external-consumer');
          const connection = await createConnection(this.ctx, consumer, {
            name: m.name,
            serviceProjectHandle: m.serviceProjectHandle || undefined,
            serviceComponentName: m.serviceComponentName,
            endpointName: m.endpointName,
          });
          await this.post({ type: 'created', connection });
        }, FIELD_FOR);
    }
  }

  /** Starts the form with this connection name (a name the user typed is kept). */
  suggest(name: string): void {
    this.suggestedName = name;
    if (this.loaded) void this.load().catch((e) => this.fail(e));
  }

  async load(): Promise<void> {
    const { orgHandle, projectHandle, componentName } = this.ref;
    const c = await this.ctx.client();
    const [component, projects] = await Promise.all([
      c.getComponent(orgHandle, projectHandle, componentName),
      readAll((o) => c.listProjects(orgHandle, o), MAX_SERVICES),
    ]);
    // Every service of every project, a few projects at a time, up to what the picker offers.
    const services: ServiceChoice[] = [];
    let truncated = projects.truncated;
    for (let i = 0; i < projects.items.length && services.length < MAX_SERVICES; i += 8) {
      const batch = projects.items.slice(i, i + 8);
      const lists = await Promise.all(batch.map((p) => readAll((o) => c.listComponents(orgHandle, p.handle, { ...o, type: 'service' }), MAX_SERVICES)));
      batch.forEach((p, j) => {
        truncated ||= lists[j]!.truncated;
        for (const s of lists[j]!.items) {
          if (s.type === 'service') services.push({ projectHandle: p.handle, projectName: p.name, service: s });
        }
      });
    }
    if (truncated || services.length > MAX_SERVICES) {
      this.ctx.log.warn(`Create Connection offers the first ${MAX_SERVICES} services of ${orgHandle}; there are more.`);
    }
    services.splice(MAX_SERVICES);
    this.panel.title = l10n.t`Create Connection · ${component.displayName || component.name}`;
    await this.post({ type: 'data', component, services, suggestedName: this.suggestedName });
    this.loaded = true;
  }
}
