import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { pickOne } from './prompts';
import { targetEnvironment } from './targets';

/** Configure Authentication of one environment: pick the built-in identity provider or an external one, as in Choreo. */
export async function configureAuthentication(ctx: CommandContext, arg?: unknown): Promise<unknown> {
  const target = await targetEnvironment(ctx, arg);
  if (ctx.forms) return ctx.forms.openConfigureAuthentication(target, target.environment);
  const client = await ctx.client();
  const providers = await client.listIdentityProviders(target.org);
  const builtIn = target.auth?.identityProviderKind === 'built-in';
  type Choice = vscode.QuickPickItem & { run: () => Thenable<unknown> };
  const choices: Choice[] = [
    {
      label: '$(key) Choreo built-in identity provider',
      description: builtIn ? 'Regenerate Secret' : 'Generate Keys',
      run: () => vscode.commands.executeCommand(builtIn ? 'choreo.regenerateSecret' : 'choreo.generateKeys', target),
    },
    ...providers
      .filter((p) => p.kind === 'external' && (p.environments === 'all' || p.environments.includes(target.environment)))
      .map((p) => ({
        label: `$(link-external) ${p.name}`,
        description: 'Add Keys (paste the Client ID)',
        detail: p.issuer,
        run: () => vscode.commands.executeCommand('choreo.addKeys', { ...target, identityProviderId: p.id }),
      })),
    { label: '$(add) Add Identity Provider…', description: 'Register an OIDC / OAuth 2.0 provider by its Well-Known URL', run: () => vscode.commands.executeCommand('choreo.addIdentityProvider', { org: target.org }) },
  ];
  const picked = await pickOne(choices, { title: `Configure Authentication: ${target.displayName} in ${target.environmentName}`, placeHolder: 'Identity provider' });
  return picked.run();
}
