import type * as vscode from 'vscode';
import { readAll } from '../../client/readAll';
import { isControlPlaneError } from '../../client/errors';
import type { UseCaseContext } from '../../useCases/context';
import { createService } from '../../useCases/createService';
import { UseCaseError } from '../../useCases/errors';
import { probeUpstream } from '../../useCases/probeUpstream';
import { FormPanel } from '../formPanel';
import type { ProjectRef } from '../ipc';
import type { FormNavigation } from '../navigation';
import { MAX_PROJECTS, type ProjectChoice } from '../createExternalConsumer/protocol';
import { createServiceProtocol, fieldIdOf, type CreateServiceToHost, type EndpointDraft } from './protocol';

export class CreateServicePanel extends FormPanel<typeof createServiceProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    private selected: ProjectRef | undefined,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createServiceProtocol, ctx);
  }

  /** A second open from another project re-targets the open form instead of opening a second one. */
  select(project: ProjectRef | undefined): void {
    if (!project) return;
    this.selected = project;
    void this.sendProjects().catch((e) => this.fail(e));
  }

  protected async handle(m: CreateServiceToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendProjects();
      case 'cancel':
        this.close();
        return;
      case 'probe':
        return this.probe(m.url);
      case 'create':
        return this.action(async () => {
          const { orgHandle, projectHandle } = m.project;
          const endpoints = m.endpoints.map((e) => ({
            name: e.name.trim(),
            visibility: e.visibility,
            ...(e.perEnvironment ? { upstreamUrls: filled(e.upstreamUrls) } : { upstreamUrl: e.upstreamUrl }),
          }));
          const service = await createService(this.ctx, { org: orgHandle, project: projectHandle }, { displayName: m.displayName, name: m.name, description: m.description, endpoints }).catch(
            (e) => Promise.reject(onFormFields(e, m.endpoints)),
          );
          // Create takes you to the service's Overview, in this form's place (it says there whether each URL answers).
          this.nav.openOverview({ orgHandle, projectHandle, componentName: service.name });
          this.close();
        });
    }
  }

  private async probe(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return; // Not a URL yet: the form says so itself.
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return;
    const client = await this.ctx.client();
    const result = await probeUpstream(parsed.href, client.baseUrl);
    await this.post({ type: 'probed', url, answered: result.answered, summary: result.summary, ...(result.remoteNote ? { remoteNote: result.remoteNote } : {}) });
  }

  private async sendProjects(): Promise<void> {
    const projects: ProjectChoice[] = [];
    const environments: Record<string, { handle: string; name: string }[]> = {};
    const client = await this.ctx.client();
    const orgs = await readAll((o) => client.listOrganizations(o), MAX_PROJECTS);
    let truncated = orgs.truncated;
    for (const org of orgs.items) {
      if (projects.length >= MAX_PROJECTS) break;
      const [list, envs] = await Promise.all([readAll((o) => client.listProjects(org.handle, o), MAX_PROJECTS - projects.length), client.listEnvironments(org.handle)]);
      truncated ||= list.truncated;
      environments[org.handle] = envs.map((e) => ({ handle: e.handle, name: e.name }));
      for (const p of list.items) projects.push({ orgHandle: org.handle, orgName: org.name, projectHandle: p.handle, projectName: p.name });
    }
    if (truncated) this.ctx.log.warn(`Create Service offers the first ${MAX_PROJECTS} projects; there are more.`);
    await this.post({ type: 'init', projects, environments, ...(this.selected ? { selected: this.selected } : {}) });
  }
}

/** The per-environment URLs the user filled in (an empty field is no URL there). */
function filled(urls: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(urls).filter(([, url]) => url.trim() !== ''));
}

/** The use case's and the server's field paths, as this form's field ids; the code and message stay as they were. */
function onFormFields(e: unknown, endpoints: readonly EndpointDraft[]): unknown {
  let fields: [string, string][];
  if (e instanceof UseCaseError) fields = Object.entries(e.fields);
  else if (isControlPlaneError(e) && e.fields?.length) fields = e.fields.map((f) => [f.path, f.message]);
  else if (isControlPlaneError(e) && e.code === 'name_taken') fields = [['name', e.message]];
  else return e;
  const mapped: Record<string, string> = {};
  for (const [path, message] of fields) mapped[fieldIdOf(path, endpoints)] ??= message;
  const fixable = e instanceof UseCaseError || (isControlPlaneError(e) && !e.retryable);
  return fixable ? new UseCaseError((e as { code: string }).code, (e as Error).message, mapped) : e;
}
