import { createService } from '../../useCases/createService';
import { probeUpstream } from '../../useCases/probeUpstream';
import { ProjectFormPanel, type FormMessage } from '../projectFormPanel';
import { fieldIdOf, type createServiceProtocol } from './protocol';
import * as l10n from '@vscode/l10n';

export class CreateServicePanel extends ProjectFormPanel<typeof createServiceProtocol> {
  protected async handleForm(m: FormMessage<typeof createServiceProtocol>): Promise<void> {
    if (m.type === 'probe') return this.probe(m.url);
    return this.action(
      async () => {
        const endpoints = m.endpoints.map((e) => ({
          name: e.name.trim(),
          visibility: e.visibility,
          ...(e.perEnvironment ? { upstreamUrls: filled(e.upstreamUrls) } : { upstreamUrl: e.upstreamUrl }),
        }));
        // The service's Overview says whether each URL answers.
        this.showCreated(await createService(this.ctx, m.project, { displayName: m.displayName, name: m.name, description: m.description, endpoints }));
      },
      (key) => (key === 'code:name_taken' ? 'name' : key.startsWith('code:') ? undefined : fieldIdOf(key, m.endpoints)),
    );
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
    await this.post({
      type: 'probed',
      url,
      answered: result.answered,
      summary: result.summary,
      ...(result.remoteNote ? { remoteNote: result.remoteNote } : {}),
    });
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
