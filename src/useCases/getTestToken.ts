/**
 * Get Test Token for an environment's keys: `client_credentials` at its token URL with the stored secret (built-in
 * provider) or a secret the user types (external provider; kept in SecretStorage only if they choose), then the
 * decoded claims and whether the gateway would accept the token. The token itself is never shown or logged.
 */
import { gatewayAudience } from '../api/routes';
import type { AuthConfiguration } from '../api';
import type { TokenCheck } from '../client/testToken';
import { type EnvironmentTarget, secretRefOf } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

export interface TestToken {
  check: TokenCheck;
  /** The report in Markdown: what the gateway would say, the header and the claims (never the token). */
  report: string;
}

/**
 * The client secret a token request for `env`'s keys uses: the one kept in SecretStorage (built-in provider: the only
 * source), else for an external provider the one given or typed (kept only if the user chooses). Get Test Token and
 * Test Connection both ask through here.
 */
export async function secretForTokenRequest(
  ctx: UseCaseContext,
  env: EnvironmentTarget,
  o: { clientSecret?: string; keepSecret?: boolean } = {},
): Promise<{ auth: AuthConfiguration; secret: string }> {
  const auth = env.auth;
  if (!auth) throw new UseCaseError('not_configured', l10n.t`${env.displayName} has no keys in ${env.environmentName}. Configure Authentication first.`);
  const client = await ctx.client();
  let secret: string | undefined;
  if (auth.identityProviderKind === 'built-in') {
    secret = await ctx.vault.getConsumerSecret(secretRefOf(client.baseUrl, env));
    if (!secret) {
      throw new UseCaseError(
        'no_secret',
        l10n.t`This VS Code keeps no secret for ${env.displayName} in ${env.environmentName} (it was generated elsewhere). Regenerate Secret to get one here.`,
      );
    }
  } else {
    const ref = secretRefOf(client.baseUrl, env, auth.identityProviderId);
    secret = o.clientSecret ?? (await ctx.vault.getConsumerSecret(ref));
    if (!secret) {
      secret = await ctx.ui.ask({
        title: l10n.t`A token from ${auth.identityProviderName}`,
        prompt: l10n.t`Client secret of ${auth.clientId} (the control plane never sees it)`,
        password: true,
      });
      const keep = await ctx.ui.pick([{ label: l10n.t('Use once') }, { label: l10n.t('Keep in SecretStorage') }], {
        title: l10n.t('Keep this secret for the next test token or Test Connection?'),
      });
      if (keep.label === l10n.t('Keep in SecretStorage')) await ctx.vault.storeConsumerSecret(ref, secret);
    } else if (o.keepSecret) {
      await ctx.vault.storeConsumerSecret(ref, secret);
    }
  }
  return { auth, secret };
}

export async function getTestToken(ctx: UseCaseContext, env: EnvironmentTarget, o: { clientSecret?: string; keepSecret?: boolean } = {}): Promise<TestToken> {
  const { auth, secret } = await secretForTokenRequest(ctx, env, o);
  const client = await ctx.client();
  const idp = await client.getIdentityProvider(env.orgHandle, auth.identityProviderId);
  const { requestClientCredentialsToken, checkAccessToken, fetchJwks, TokenRequestError } = await import('../client/testToken.js');
  let check: TokenCheck;
  try {
    const token = await ctx.ui.progress(l10n.t`Requesting a test token from ${auth.tokenUrl}…`, () =>
      requestClientCredentialsToken(auth.tokenUrl, auth.clientId, secret),
    );
    // The signature, kid and (for the built-in provider) audience are checked as the gateway will; without the
    // issuer's keys the check falls back to the claims alone.
    const jwks = await fetchJwks(idp.jwksUri);
    const audience = auth.identityProviderKind === 'built-in' ? gatewayAudience(client.baseUrl) : undefined;
    check = await checkAccessToken(token, { issuer: idp.issuer, clientId: auth.clientId, audience, jwks });
  } catch (e) {
    if (e instanceof TokenRequestError) throw new UseCaseError(e.code, e.message);
    throw e;
  }
  ctx.log.info(`Test token for ${env.componentName} in ${env.environment}: ${check.ok ? 'accepted' : `refused (${check.problems.length} problem(s))`}`);
  const report = [
    `# Test token: ${env.displayName} in ${env.environmentName}`,
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
  ].join('\n');
  return { check, report };
}
