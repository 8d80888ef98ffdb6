/**
 * A Create form of a component (Create External Consumer, Create Service): it offers every project the caller can
 * see, picked on the one it was opened from; a second open from another project re-targets the open form.
 */
import type * as vscode from 'vscode';
import { readAll } from '../client/readAll';
import type { UseCaseContext } from '../useCases/context';
import { MAX_PROJECTS, type ProjectChoice } from './createExternalConsumer/protocol';
import { FormPanel, type AnyProtocol } from './formPanel';
import type { ProjectRef } from '../api/refs';

export abstract class ProjectFormPanel<P extends AnyProtocol> extends FormPanel<P> {
  constructor(
    panel: vscode.WebviewPanel,
    protocol: P,
    protected selected: ProjectRef | undefined,
    ctx: UseCaseContext,
  ) {
    super(panel, protocol, ctx);
  }

  /** A second open from another project re-targets the open form instead of opening a second one. */
  select(project: ProjectRef | undefined): void {
    if (!project) return;
    this.selected = project;
    void this.sendInit().catch((e) => this.fail(e));
  }

  /** Tells the form its projects (and whatever else it needs first). */
  protected abstract sendInit(): Promise<void>;

  /** Every organization's projects, page after page, up to {@link MAX_PROJECTS}; and the organizations read. */
  protected async readProjects(form: string): Promise<{ projects: ProjectChoice[]; orgHandles: string[] }> {
    const projects: ProjectChoice[] = [];
    const orgHandles: string[] = [];
    const client = await this.ctx.client();
    const orgs = await readAll((o) => client.listOrganizations(o), MAX_PROJECTS);
    let truncated = orgs.truncated;
    for (const org of orgs.items) {
      if (projects.length >= MAX_PROJECTS) break;
      const list = await readAll((o) => client.listProjects(org.handle, o), MAX_PROJECTS - projects.length);
      truncated ||= list.truncated;
      orgHandles.push(org.handle);
      for (const p of list.items) projects.push({ orgHandle: org.handle, orgName: org.name, projectHandle: p.handle, projectName: p.name });
    }
    if (truncated) this.ctx.log.warn(`${form} offers the first ${MAX_PROJECTS} projects; there are more.`);
    return { projects, orgHandles };
  }
}
