import type * as vscode from 'vscode';
import type { UseCaseContext } from '../../useCases/context';
import { createService } from '../../useCases/createService';
import { probeUpstream } from '../../useCases/probeUpstream';
import type { ProjectRef } from '../../api/refs';
import type { FormNavigation } from '../navigation';
import { ProjectFormPanel } from '../projectFormPanel';
import { createServiceProtocol, fieldIdOf, type CreateServiceToHost } from './protocol';
import * as l10n from '@vscode/l10n';

export class CreateServicePanel extends ProjectFormPanel<typeof createServiceProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    selected: ProjectRef | undefined,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, createServiceProtocol, selected, ctx);
  }

  protected async handle(m: CreateServiceToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
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
          const service = await createService(this.ctx, { org: orgHandle, project: projectHandle }, { displayName: m.displayName, name: m.name, description: m.description, endpoints });
          // Create takes you to the service's Overview, in this form's place (it says there whether each URL answers).
          this.nav.openOverview({ orgHandle, projectHandle, componentName: service.name });
          this.close();
        }, (key) => (key === 'code:name_taken' ? 'name' : key.startsWith('code:') ? undefined : fieldIdOf(key, m.endpoints)));
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

  protected async sendInit(): Promise<void> {
    const { projects, orgHandles } = await this.readProjects(l10n.t('Create Service'));
    const client = await this.ctx.client();
    const environments = Object.fromEntries(
      await Promise.all(orgHandles.map(async (org) => [org, (await client.listEnvironments(org)).map((e) => ({ handle: e.handle, name: e.name }))] as const)),
    );
    await this.post({ type: 'init', projects, environments, ...(this.selected ? { selected: this.selected } : {}) });
  }
}

/** The per-environment URLs the user filled in (an empty field is no URL there). */
function filled(urls: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(urls).filter(([, url]) => url.trim() !== ''));
}
