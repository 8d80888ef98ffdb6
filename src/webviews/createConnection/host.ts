import * as vscode from 'vscode';
import { CreateConnection } from '../../api/connections';
import { connectionArg } from '../commandArgs';
import { FormPanel } from '../formPanel';
import type { ComponentRef } from '../ipc';
import type { FormNavigation } from '../navigation';
import { zodFieldErrors, type WebviewServices } from '../services';
import { readAll } from '../../client/readAll';
import { createConnectionProtocol, MAX_SERVICES, type CreateConnectionToHost, type ServiceChoice } from './protocol';

/** Server error codes that belong to one field of this form. */
const FIELD_FOR = { 'code:name_taken': 'name', 'code:conflict': 'name', serviceComponentName: 'service', serviceProjectHandle: 'service' };

export class CreateConnectionPanel extends FormPanel<typeof createConnectionProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ComponentRef,
    services: WebviewServices,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createConnectionProtocol, services);
  }

  protected async handle(m: CreateConnectionToHost): Promise<void> {
    const { orgHandle, projectHandle, componentName } = this.ref;
    switch (m.type) {
      case 'ready':
        return this.load();
      case 'openOverview':
        this.nav.openOverview(this.ref);
        return;
      case 'insertSnippet':
        await vscode.commands.executeCommand('choreo.insertConnectionSnippet', await connectionArg(await this.services.client(), this.ref, m.connectionName));
        return;
      case 'create':
        return this.action(async () => {
          const body = CreateConnection.safeParse({
            name: m.name,
            serviceProjectHandle: m.serviceProjectHandle,
            serviceComponentName: m.serviceComponentName,
            endpointName: m.endpointName,
          });
          if (!body.success) {
            const fields = zodFieldErrors(body.error.issues);
            if (fields.serviceComponentName || fields.serviceProjectHandle) fields.service = 'Pick a service.';
            if (fields.endpointName) fields.endpointName = 'Pick an endpoint of the service.';
            await this.invalid(fields);
            return;
          }
          try {
            const connection = await (await this.services.client()).createConnection(orgHandle, projectHandle, componentName, body.data);
            this.services.log.info(`Created connection ${connection.name} of ${orgHandle}/${projectHandle}/${componentName}`);
            await this.post({ type: 'created', connection });
            this.nav.componentChanged(this.ref);
            this.services.onComponentChanged?.({ orgHandle, projectHandle, name: componentName });
          } catch (e) {
            await this.refused('Create Connection', e, FIELD_FOR);
          }
        });
    }
  }

  async load(): Promise<void> {
    const { orgHandle, projectHandle, componentName } = this.ref;
    const c = await this.services.client();
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
      this.services.log.warn(`Create Connection offers the first ${MAX_SERVICES} services of ${orgHandle}; there are more.`);
    }
    services.splice(MAX_SERVICES);
    this.panel.title = `Create Connection · ${component.displayName || component.name}`;
    await this.post({ type: 'data', component, services });
  }
}
