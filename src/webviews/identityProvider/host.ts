import * as vscode from 'vscode';
import type { ResourceUse } from '../../api';
import type { UseCaseContext } from '../../useCases/context';
import { deleteResource } from '../../useCases/deleteResource';
import { changeLines, refreshIdentityProvider } from '../../useCases/refreshIdentityProvider';
import { FormPanel } from '../formPanel';
import type { FormNavigation } from '../navigation';
import type { IdentityProviderRef } from '../../api/refs';
import { identityProviderProtocol, type IdentityProviderToHost } from './protocol';

export class IdentityProviderPanel extends FormPanel<typeof identityProviderProtocol> {
  /** The consumers the page lists, by place: `openConsumer` may only open one of these. */
  private shown: { name: string; uses: ResourceUse[] } | undefined;
  /** While its Delete runs, a change is not reloaded: the provider may be gone (the panel then closes). */
  private deleting = false;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: IdentityProviderRef,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
  ) {
    super(panel, identityProviderProtocol, ctx);
    // Keys added or removed anywhere in the organization change who uses the provider.
    this.reloadOn(
      nav.onDidChange,
      (change) => !this.deleting && (change.orgHandle === undefined || change.orgHandle === ref.orgHandle),
      () => this.load(),
    );
  }

  private get target() {
    return { orgHandle: this.ref.orgHandle, identityProvider: { id: this.ref.identityProviderId, name: this.shown?.name ?? this.ref.identityProviderId } };
  }

  protected async handle(m: IdentityProviderToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'reload':
        return this.load();
      case 'refresh':
        return this.action(async () => {
          const { changes } = await refreshIdentityProvider(this.ctx, this.target);
          await this.load(changeLines(changes));
        });
      case 'delete':
        return this.action(async () => {
          this.deleting = true;
          try {
            await deleteResource(this.ctx, this.target);
          } catch (e) {
            // Refused while in use: the list of consumers on the page is brought up to date beside the message.
            await this.load().catch(() => undefined);
            throw e;
          } finally {
            this.deleting = false;
          }
          this.close();
        });
      case 'openConsumer': {
        const use = this.shown?.uses[m.index];
        if (!use) {
          this.ctx.log.warn(`${this.protocol.viewType}: refused openConsumer (not_shown): that consumer is not one this panel shows.`);
          return;
        }
        this.nav.openOverview({ orgHandle: use.orgHandle, projectHandle: use.projectHandle, componentName: use.componentName });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Copied to the clipboard.', 3000);
        return;
    }
  }

  async load(refreshed?: string[]): Promise<void> {
    const client = await this.ctx.client();
    const [provider, environments] = await Promise.all([
      client.getIdentityProvider(this.ref.orgHandle, this.ref.identityProviderId),
      client.listEnvironments(this.ref.orgHandle),
    ]);
    this.shown = { name: provider.name, uses: provider.usedBy ?? [] };
    this.panel.title = vscode.l10n.t('Identity Provider · {0}', provider.name);
    await this.post({ type: 'data', provider, environments, ...(refreshed ? { refreshed } : {}) });
  }
}
