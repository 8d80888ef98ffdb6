import { CreateIdentityProvider, type IdentityProvider } from '../api';
import { OrgRef, refIn } from '../api/refs';
import type { UseCaseContext } from './context';
import { parseInput } from './validate';
import * as l10n from '@vscode/l10n';

export interface NewIdentityProvider {
  name: string;
  description?: string;
  wellKnownUrl: string;
  /** `all`, or the handles of the environments it applies to. */
  environments?: 'all' | string[];
  /** The audiences its access tokens must carry one of; empty: this gateway's own URL (`{base}/gw`). */
  audiences?: string[];
}

/**
 * Add Identity Provider to an organization by its Well-Known URL: the control plane reads the discovery document,
 * so a URL that does not answer fails here with `discovery_failed` on the URL field, and nothing is stored.
 */
export async function addIdentityProvider(ctx: UseCaseContext, org: OrgRef, input: NewIdentityProvider): Promise<IdentityProvider> {
  const body = parseInput(CreateIdentityProvider, {
    name: input.name,
    description: input.description ?? '',
    wellKnownUrl: input.wellKnownUrl.trim(),
    environments: input.environments ?? 'all',
    audiences: input.audiences ?? [],
  });
  const client = await ctx.client();
  const idp = await ctx.ui.progress(l10n.t`Reading ${body.wellKnownUrl}…`, () => client.createIdentityProvider(org.orgHandle, body));
  ctx.log.info(`Added identity provider ${idp.name} (${idp.issuer}) to ${org.orgHandle}`);
  ctx.changed({ ...refIn(OrgRef, org), identityProviders: true });
  return idp;
}
