import type * as vscode from 'vscode';
import { readAll } from '../../client/readAll';
import type { UseCaseContext } from '../../useCases/context';
import { createExternalConsumer } from '../../useCases/createExternalConsumer';
import { FormPanel } from '../formPanel';
import type { ProjectRef } from '../ipc';
import type { FormNavigation } from '../navigation';
import { createExternalConsumerProtocol, MAX_PROJECTS, type CreateExternalConsumerToHost, type ProjectChoice } from './protocol';

/** Server error codes that belong to one field of this form. */
const FIELD_FOR = { 'code:name_taken': 'name', handle: 'name' };

export class CreateExternalConsumerPanel extends FormPanel<typeof createExternalConsumerProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    private selected: ProjectRef | undefined,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createExternalConsumerProtocol, ctx);
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
        this.close();
        return;
      case 'create':
        return this.action(async () => {
          const { orgHandle, projectHandle } = m.project;
          const component = await createExternalConsumer(this.ctx, { org: orgHandle, project: projectHandle }, { displayName: m.displayName, name: m.name, description: m.description });
          // Create takes you to the component's Overview, in this form's place.
          this.nav.openOverview({ orgHandle, projectHandle, componentName: component.name });
          this.close();
        }, FIELD_FOR);
    }
  }

  private async sendProjects(): Promise<void> {
    const projects: ProjectChoice[] = [];
    const client = await this.ctx.client();
    const orgs = await readAll((o) => client.listOrganizations(o), MAX_PROJECTS);
    let truncated = orgs.truncated;
    for (const org of orgs.items) {
      if (projects.length >= MAX_PROJECTS) break;
      const list = await readAll((o) => client.listProjects(org.handle, o), MAX_PROJECTS - projects.length);
      truncated ||= list.truncated;
      for (const p of list.items) projects.push({ orgHandle: org.handle, orgName: org.name, projectHandle: p.handle, projectName: p.name });
    }
    if (truncated) this.ctx.log.warn(`Create External Consumer offers the first ${MAX_PROJECTS} projects; there are more.`);
    await this.post({ type: 'init', projects, ...(this.selected ? { selected: this.selected } : {}) });
  }
}
