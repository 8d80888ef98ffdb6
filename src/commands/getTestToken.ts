import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { askText, field } from './prompts';
import { showReadOnlyMarkdown } from './readOnlyDocuments';
import { refOf, targetEnvironment } from './targets';
import type { TokenCheck } from '../client/testToken';
import { gatewayAudience } from '../api/routes';

/**
 * Get Test Token for an environment's keys: `client_credentials` at its token URL with the stored secret (built-in
 * provider) or a secret the user types (external provider; kept in SecretStorage only if they choose), then the
 * decoded claims and whether the gateway would accept the token. The token itself is never shown or logged.
 * Arguments: an environment row or `{ org, project, component, environment, clientSecret?, keepSecret?, show? }`.
 */
export async function getTestToken(ctx: CommandContext, arg?: unknown): Promise<TokenCheck> {
  const target = await targetEnvironment(ctx, arg);
  const auth = target.auth;
  if (!auth) throw new CommandError('not_configured', `${target.displayName} has no keys in ${target.environmentName}. Configure Authentication first.`);
  const given = refOf(arg);
  const ref = { controlPlane: ctx.connection.baseUrl, org: target.org, project: target.project, componentId: target.componentId, environment: target.environment };
  let secret: string | undefined;
  if (auth.identityProviderKind === 'built-in') {
    secret = await ctx.vault.getConsumerSecret(ref);
    if (!secret) {
      throw new CommandError('no_secret', `This VS Code keeps no secret for ${target.displayName} in ${target.environmentName} (it was generated elsewhere). Regenerate Secret to get one here.`);
    }
  } else {
    const externalRef = { ...ref, identityProvider: auth.identityProviderId };
    secret = field(given, 'clientSecret') ?? (await ctx.vault.getConsumerSecret(externalRef));
    if (!secret) {
      secret = await askText({ title: `Get Test Token from ${auth.identityProviderName}`, prompt: `Client secret of ${auth.clientId} (the control plane never sees it)`, password: true });
      const keep = await vscode.window.showQuickPick(['Use once', 'Keep in SecretStorage'], { title: 'Keep this secret for the next test token?' });
      if (keep === 'Keep in SecretStorage') await ctx.vault.storeConsumerSecret(externalRef, secret);
    } else if ((given as { keepSecret?: unknown } | undefined)?.keepSecret === true) {
      await ctx.vault.storeConsumerSecret(externalRef, secret);
    }
  }
  const client = await ctx.client();
  const idp = await client.getIdentityProvider(target.org, auth.identityProviderId);
  const { requestClientCredentialsToken, checkAccessToken, fetchJwks, TokenRequestError } = await import('../client/testToken.js');
  let check: TokenCheck;
  try {
    const token = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Requesting a test token from ${auth.tokenUrl}…` }, () =>
      requestClientCredentialsToken(auth.tokenUrl, auth.clientId, secret!),
    );
    // The signature, kid and (for the built-in provider) audience are checked as the gateway will; without the
    // issuer's keys the check falls back to the claims alone.
    const jwks = await fetchJwks(idp.jwksUri);
    const audience = auth.identityProviderKind === 'built-in' ? gatewayAudience(ctx.connection.baseUrl) : undefined;
    check = await checkAccessToken(token, { issuer: idp.issuer, clientId: auth.clientId, audience, jwks });
  } catch (e) {
    if (e instanceof TokenRequestError) throw new CommandError(e.code, e.message);
    throw e;
  }
  ctx.log.info(`Test token for ${target.component} in ${target.environment}: ${check.ok ? 'accepted' : `refused (${check.problems.length} problem(s))`}`);
  if ((given as { show?: unknown } | undefined)?.show !== false) {
    const lines = [
      `# Test token: ${target.displayName} in ${target.environmentName}`,
      '',
      check.ok ? '**The gateway would accept this token** (a JWT, the right issuer and client ID).' : '**The gateway would refuse this token:**',
      ...check.problems.map((p) => `- ${p}`),
      '',
      `Token URL: ${auth.tokenUrl}  `,
      `Identity provider: ${idp.name} (${idp.issuer})`,
      '',
      '## Header',
      '```json',
      JSON.stringify(check.header ?? {}, null, 2),
      '```',
      '## Claims',
      '```json',
      JSON.stringify(check.claims ?? {}, null, 2),
      '```',
    ];
    await showReadOnlyMarkdown(`Test token ${target.component}-${target.environment}`, lines.join('\n'));
  }
  return check;
}
