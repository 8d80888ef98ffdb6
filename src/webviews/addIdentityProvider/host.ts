import type * as vscode from 'vscode';
import { gatewayAudience } from '../../api/routes';
import { addIdentityProvider } from '../../useCases/addIdentityProvider';
import type { UseCaseContext } from '../../useCases/context';
import { FormPanel } from '../formPanel';
import type { OrgRef } from '../../api/refs';
import { addIdentityProviderProtocol, type AddIdentityProviderToHost } from './protocol';

/** A discovery that fails (nothing answers, not a discovery document, wrong issuer) belongs to the URL field. */
const FIELD_FOR = { 'code:discovery_failed': 'wellKnownUrl', 'code:name_taken': 'name' };

export class AddIdentityProviderPanel extends FormPanel<typeof addIdentityProviderProtocol> {
  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: OrgRef,
    ctx: UseCaseContext,
  ) {
    super(panel, addIdentityProviderProtocol, ctx);
  }

  protected async handle(m: AddIdentityProviderToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        const client = await this.ctx.client();
        const [org, environments] = await Promise.all([client.getOrganization(this.ref.orgHandle), client.listEnvironments(this.ref.orgHandle)]);
        await this.post({ type: 'data', orgName: org.name, environments, gatewayAudience: gatewayAudience(client.baseUrl) });
        return;
      }
      case 'cancel':
        this.close();
        return;
      case 'create':
        return this.action(async () => {
          await addIdentityProvider(this.ctx, this.ref, {
            name: m.name,
            description: m.description,
            wellKnownUrl: m.wellKnownUrl,
            environments: m.environments.length ? m.environments : 'all',
            audiences: m.audiences,
          });
          // Done: the form that opened this one (Configure) now offers the provider.
          this.close();
        }, FIELD_FOR);
    }
  }
}
