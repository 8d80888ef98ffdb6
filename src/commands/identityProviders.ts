/** Open, Refresh and Delete of an identity provider: a row of the Identity Providers node, or pickers from the palette. */
import * as vscode from 'vscode';
import type { IdentityProviderRef } from '../api/refs';
import { type IdentityProviderTarget, refOf, resolveIdentityProvider, type Target } from '../useCases/targets';
import { deleteResource } from '../useCases/deleteResource';
import { refreshIdentityProvider as refresh, type RefreshedProvider } from '../useCases/refreshIdentityProvider';
import { optionsOf, type CommandContext } from './commandContext';

type ProviderTarget = Target<IdentityProviderRef>;

/** Open Identity Provider: its overview (issuer, endpoints, audiences, environments, the consumers using it). */
export async function openIdentityProvider(ctx: CommandContext, target?: ProviderTarget): Promise<void> {
  await ctx.forms.openIdentityProvider(await resolveIdentityProvider(ctx, refOf(target)));
}

/** Refresh Identity Provider: re-reads its discovery document and keys; one notification says what changed. */
export async function refreshIdentityProvider(ctx: CommandContext, target?: ProviderTarget, options?: { show?: boolean }): Promise<RefreshedProvider> {
  const ref: IdentityProviderTarget = await resolveIdentityProvider(ctx, refOf(target), { external: true });
  const refreshed = await refresh(ctx, ref);
  if (optionsOf(options).show !== false) void vscode.window.showInformationMessage(`${refreshed.provider.name} refreshed. ${refreshed.summary}.`);
  return refreshed;
}

/** Delete Identity Provider (asks first, unless `{ confirm: true }`); refused while consumers use it, naming them. */
export async function deleteIdentityProvider(ctx: CommandContext, target?: ProviderTarget, options?: { confirm?: boolean }): Promise<string> {
  const { orgHandle, identityProvider } = await resolveIdentityProvider(ctx, refOf(target), { external: true });
  return deleteResource(ctx, { orgHandle, identityProvider }, { confirmed: optionsOf(options).confirm === true });
}
