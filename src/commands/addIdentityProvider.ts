import * as vscode from 'vscode';
import type { IdentityProvider } from '../api';
import type { OrgRef } from '../api/refs';
import { addIdentityProvider as add, type NewIdentityProvider } from '../useCases/addIdentityProvider';
import { refOf, resolveOrg, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

/**
 * Add Identity Provider to an organization: the form (name, description, Well-Known URL, environments). With the
 * fields given (tests), the provider is added at once.
 */
export async function addIdentityProvider(ctx: CommandContext, target?: Target<OrgRef>, input?: NewIdentityProvider): Promise<IdentityProvider | undefined> {
  const org = await resolveOrg(ctx, refOf(target));
  const given = optionsOf(input);
  if (!given.name || !given.wellKnownUrl) {
    await ctx.forms.openAddIdentityProvider(org);
    return undefined;
  }
  const idp = await add(ctx, org, {
    name: given.name,
    wellKnownUrl: given.wellKnownUrl,
    description: given.description,
    environments: given.environments,
    audiences: given.audiences,
  });
  void vscode.window.showInformationMessage(vscode.l10n.t('Identity provider {0} added to {1}. Issuer: {2}', idp.name, org.orgHandle, idp.issuer));
  return idp;
}
