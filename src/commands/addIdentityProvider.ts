import * as vscode from 'vscode';
import type { IdentityProvider } from '../api';
import type { CommandContext } from './commandContext';
import { askText, field } from './prompts';
import { refOf, targetOrg } from './targets';
import { validateWith } from './validation';

/**
 * Add Identity Provider to an organization from its Well-Known URL (the control plane reads the discovery document).
 * Arguments: `{ org, name, wellKnownUrl, description?, environments?, audiences? }`.
 */
export async function addIdentityProvider(ctx: CommandContext, arg?: unknown): Promise<IdentityProvider> {
  const { CreateIdentityProvider } = await import('../api/identityProviders.js');
  const { org } = await targetOrg(ctx, arg);
  const given = refOf(arg);
  const title = 'Add Identity Provider';
  const name = field(given, 'name') ?? (await askText({ title, prompt: 'Name', placeHolder: 'Asgardeo', validateInput: validateWith(CreateIdentityProvider.shape.name) }));
  const wellKnownUrl =
    field(given, 'wellKnownUrl') ??
    (await askText({
      title,
      prompt: 'Well-Known URL',
      placeHolder: 'https://api.asgardeo.io/t/stark/oauth2/token/.well-known/openid-configuration',
      validateInput: validateWith(CreateIdentityProvider.shape.wellKnownUrl),
    }));
  const description = field(given, 'description') ?? (field(given, 'name') ? '' : await askText({ title, prompt: 'Description (optional)' }));
  const environments = (given as { environments?: 'all' | string[] } | undefined)?.environments ?? 'all';
  const audiences = (given as { audiences?: string[] } | undefined)?.audiences;
  const client = await ctx.client();
  const idp = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading ${wellKnownUrl}…` },
    () => client.createIdentityProvider(org, { name, description, wellKnownUrl, environments, audiences }),
  );
  ctx.log.info(`Added identity provider ${idp.name} (${idp.issuer}) to ${org}`);
  void vscode.window.showInformationMessage(`Identity provider ${idp.name} added to ${org}. Issuer: ${idp.issuer}`);
  return idp;
}
