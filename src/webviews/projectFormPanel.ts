/**
 * A Create form of a component (Create External Consumer, Create Service): it offers every project the caller can
 * see, picked on the one it was opened from; a second open from another project re-targets the open form. Ready and
 * Cancel are the same for each; Create takes you to the new component's Overview, in the form's place.
 */
import type * as vscode from 'vscode';
import type { Component } from '../api';
import { readAll } from '../client/readAll';
import type { UseCaseContext } from '../useCases/context';
import { MAX_PROJECTS, type ProjectChoice } from './createExternalConsumer/protocol';
import { FormPanel, type AnyProtocol } from './formPanel';
import type { MessageToHost } from './ipc';
import type { FormNavigation } from './navigation';
import type { ProjectRef } from '../api/refs';

/** A message of the form's own (every message but ready and cancel). */
export type FormMessage<P extends AnyProtocol> = Exclude<MessageToHost<P>, { type: 'ready' | 'cancel' }>;

export abstract class ProjectFormPanel<P extends AnyProtocol> extends FormPanel<P> {
  constructor(
    panel: vscode.WebviewPanel,
    protocol: P,
    protected selected: ProjectRef | undefined,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, protocol, ctx);
  }

  protected async handle(m: MessageToHost<P>): Promise<void> {
    const { type } = m as { type: string };
    if (type === 'ready') return this.sendInit();
    if (type === 'cancel') return this.close();
    return this.handleForm(m as FormMessage<P>);
  }

  /** Acts on a message of the form's own. */
  protected abstract handleForm(message: FormMessage<P>): Promise<void>;

  /** Opens the component just created, in this form's place. */
  protected showCreated(component: Component): void {
    this.nav.openOverview({ orgHandle: component.orgHandle, projectHandle: component.projectHandle, componentName: component.name });
    this.close();
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
