/** Open, Refresh and Delete of an identity provider: a row of the Identity Providers node, or pickers from the palette. */
import * as vscode from 'vscode';
import type { IdentityProvider } from '../api';
import type { IdentityProviderRef } from '../tree/refs';
import { deleteResource } from '../useCases/deleteResource';
import { refreshIdentityProvider as refresh, type RefreshedProvider } from '../useCases/refreshIdentityProvider';
import { refOf, resolveIdentityProvider, type Target } from '../useCases/targets';
import { optionsOf, type CommandContext } from './commandContext';

type ProviderTarget = Target<{ org: string; identityProvider: Pick<IdentityProvider, 'id'> }>;

/** Open Identity Provider: its overview (issuer, endpoints, audiences, environments, the consumers using it). */
export async function openIdentityProvider(ctx: CommandContext, target?: ProviderTarget): Promise<void> {
  const { org, identityProvider } = await resolveIdentityProvider(ctx, refOf(target));
  await ctx.forms.openIdentityProvider({ org, identityProvider: identityProvider.id });
}

/** Refresh Identity Provider: re-reads its discovery document and keys; one notification says what changed. */
export async function refreshIdentityProvider(ctx: CommandContext, target?: ProviderTarget, options?: { show?: boolean }): Promise<RefreshedProvider> {
  const ref: IdentityProviderRef = await resolveIdentityProvider(ctx, refOf(target), { external: true });
  const refreshed = await refresh(ctx, ref);
  if (optionsOf(options).show !== false) void vscode.window.showInformationMessage(`${refreshed.provider.name} refreshed. ${refreshed.summary}.`);
  return refreshed;
}

/** Delete Identity Provider (asks first, unless `{ confirm: true }`); refused while consumers use it, naming them. */
export async function deleteIdentityProvider(ctx: CommandContext, target?: ProviderTarget, options?: { confirm?: boolean }): Promise<string> {
  const { org, identityProvider } = await resolveIdentityProvider(ctx, refOf(target), { external: true });
  return deleteResource(ctx, { org, identityProvider }, { confirmed: optionsOf(options).confirm === true });
}
