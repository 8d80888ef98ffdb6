import type * as vscode from 'vscode';
import { CreateComponent } from '../../api/components';
import { FormPanel } from '../formPanel';
import type { ProjectRef } from '../ipc';
import type { FormNavigation } from '../navigation';
import { zodFieldErrors, type WebviewServices } from '../services';
import { readAll } from '../../client/readAll';
import { createExternalConsumerProtocol, MAX_PROJECTS, type CreateExternalConsumerToHost, type ProjectChoice } from './protocol';

/** Server error codes that belong to one field of this form. */
const FIELD_FOR = { 'code:name_taken': 'name', handle: 'name' };

export class CreateExternalConsumerPanel extends FormPanel<typeof createExternalConsumerProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    private selected: ProjectRef | undefined,
    services: WebviewServices,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createExternalConsumerProtocol, services);
  }

  /** A second open from another project re-targets the open form instead of opening a second one. */
  select(project: ProjectRef | undefined): void {
    if (!project) return;
    this.selected = project;
    void this.sendProjects().catch((e) => this.fail(e));
  }

  protected async handle(m: CreateExternalConsumerToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendProjects();
      case 'cancel':
        this.panel.dispose();
        return;
      case 'create':
        return this.action(async () => {
          const body = CreateComponent.safeParse({
            displayName: m.displayName,
            name: m.name,
            description: m.description,
            type: 'external-consumer',
          });
          if (!body.success) {
            await this.invalid(zodFieldErrors(body.error.issues));
            return;
          }
          const { orgHandle, projectHandle } = m.project;
          try {
            const component = await (await this.services.client()).createComponent(orgHandle, projectHandle, body.data);
            this.services.log.info(`Created external consumer ${orgHandle}/${projectHandle}/${component.name}`);
            const ref = { orgHandle, projectHandle, componentName: component.name };
            this.nav.componentChanged(ref);
            this.services.onComponentChanged?.(component);
            // As in the seed: Create takes you to the component's Overview.
            this.nav.openOverview(ref);
            this.panel.dispose();
          } catch (e) {
            await this.refused('Create External Consumer', e, FIELD_FOR);
          }
        });
    }
  }

  private async sendProjects(): Promise<void> {
    const projects: ProjectChoice[] = [];
    const client = await this.services.client();
    const orgs = await readAll((o) => client.listOrganizations(o), MAX_PROJECTS);
    let truncated = orgs.truncated;
    for (const org of orgs.items) {
      if (projects.length >= MAX_PROJECTS) break;
      const list = await readAll((o) => client.listProjects(org.handle, o), MAX_PROJECTS - projects.length);
      truncated ||= list.truncated;
      for (const p of list.items) projects.push({ orgHandle: org.handle, orgName: org.name, projectHandle: p.handle, projectName: p.name });
    }
    if (truncated) this.services.log.warn(`Create External Consumer offers the first ${MAX_PROJECTS} projects; there are more.`);
    await this.post({ type: 'init', projects, ...(this.selected ? { selected: this.selected } : {}) });
  }
}
