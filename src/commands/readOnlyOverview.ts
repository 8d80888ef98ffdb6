/**
 * The stand-in Overview of a component: a read-only markdown document with what the webview Overview will show
 * (authentication per environment, connections, endpoints). Replaced by setting `ctx.overview` to the webview opener.
 */
import type { CommandContext, OverviewOpener } from './commandContext';
import { showReadOnlyMarkdown } from './readOnlyDocuments';
import type { ComponentRef } from '../tree/refs';

export class ReadOnlyOverview implements OverviewOpener {
  constructor(private readonly ctx: Pick<CommandContext, 'client'>) {}

  /** The markdown, separate from showing it so it can be checked. */
  async render(ref: ComponentRef): Promise<string> {
    const { authStateLabel } = await import('../tree/authLabel.js');
    const client = await this.ctx.client();
    const c = await client.getComponent(ref.org, ref.project, ref.component);
    const lines = [
      `# ${c.displayName}`,
      '',
      `${c.type === 'external-consumer' ? 'External consumer' : 'Service'} \`${c.name}\` in project \`${c.projectHandle}\` of organization \`${c.orgHandle}\`.`,
      '',
      c.description || '_No description._',
      '',
    ];
    if (c.type === 'external-consumer') {
      const [environments, auth, connections] = await Promise.all([
        client.listEnvironments(ref.org),
        client.listAuthConfigurations(ref.org, ref.project, ref.component),
        client.listConnections(ref.org, ref.project, ref.component).catch(() => []),
      ]);
      lines.push('## Authentication Configurations', '', '| Environment | Identity provider | Client ID | Token URL |', '|---|---|---|---|');
      for (const env of environments) {
        const a = auth.find((x) => x.environment === env.handle);
        lines.push(`| ${env.name} | ${authStateLabel(a)} | ${a ? `\`${a.clientId}\`` : '—'} | ${a ? a.tokenUrl : '—'} |`);
      }
      lines.push('', 'Configure an environment from the Choreo view: right-click it → Configure Authentication (Generate Keys for the built-in identity provider, or Add Keys for an external one).', '');
      lines.push('## Connections', '');
      if (!connections.length) lines.push('No connections yet. Right-click the consumer → Create Connection.');
      for (const x of connections) lines.push(`- **${x.name}** → \`${x.serviceProjectHandle}/${x.serviceComponentName}\` endpoint \`${x.endpointName}\``);
    } else {
      lines.push('## Endpoints', '');
      for (const e of c.endpoints ?? []) {
        lines.push(`- **${e.name}** (${e.visibility})`);
        for (const [env, url] of Object.entries(e.gatewayUrls)) lines.push(`  - ${env}: ${url}`);
      }
    }
    lines.push('', '---', '_Read-only Overview: the interactive Overview comes with the webview forms._');
    return lines.join('\n');
  }

  async open(ref: ComponentRef): Promise<void> {
    await showReadOnlyMarkdown(`Overview ${ref.org}-${ref.project}-${ref.component}`, await this.render(ref));
  }
}
