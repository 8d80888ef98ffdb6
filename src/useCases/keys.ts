/**
 * The keys of an external consumer in one environment: Generate Keys and Regenerate Secret with the built-in
 * identity provider (the secret goes to SecretStorage first, then to the caller to show once), Add Keys with an
 * external one (a Client ID; no secret is given to the control plane), and Remove Keys (either kind).
 */
import { AddExternalKeys, type AuthConfiguration, type IssuedKeys } from '../api';
import { ComponentRef, refIn } from '../api/refs';
import { type EnvironmentTarget, secretRefOf } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import { parseInput, validateWith } from './validate';
import * as l10n from '@vscode/l10n';

export async function generateKeys(ctx: UseCaseContext, env: EnvironmentTarget): Promise<IssuedKeys> {
  if (env.auth?.identityProviderKind === 'built-in') {
    throw new UseCaseError('conflict', l10n.t`${env.displayName} already has keys in ${env.environmentName}. Use Regenerate Secret for a new secret.`);
  }
  const client = await ctx.client();
  const issued = await ctx.ui.progress(l10n.t`Generating keys for ${env.displayName} in ${env.environmentName}…`, () =>
    client.generateKeys(env.orgHandle, env.projectHandle, env.componentName, env.environment),
  );
  return keep(ctx, client.baseUrl, env, issued, l10n.t('Generated keys'));
}

/** Asks first (unless `confirmed`): the old secret stops working at once. */
export async function regenerateSecret(ctx: UseCaseContext, env: EnvironmentTarget, o: { confirmed?: boolean } = {}): Promise<IssuedKeys> {
  if (env.auth?.identityProviderKind !== 'built-in') {
    throw new UseCaseError('not_configured', l10n.t`${env.displayName} has no built-in keys in ${env.environmentName}. Use Generate Keys first.`);
  }
  if (!o.confirmed) {
    await ctx.ui.confirm(
      l10n.t`Regenerate the secret of ${env.displayName} in ${env.environmentName}?`,
      l10n.t(
        'The current secret stops working at once: every app that uses it gets invalid_client until it has the new one, and the gateway refuses the tokens already issued with it. The client ID stays.',
      ),
      l10n.t('Regenerate Secret'),
    );
  }
  const client = await ctx.client();
  const issued = await ctx.ui.progress(l10n.t`Regenerating the secret of ${env.displayName} in ${env.environmentName}…`, () =>
    client.regenerateSecret(env.orgHandle, env.projectHandle, env.componentName, env.environment),
  );
  return keep(ctx, client.baseUrl, env, issued, l10n.t('Regenerated the secret'));
}

async function keep(ctx: UseCaseContext, controlPlane: string, env: EnvironmentTarget, issued: IssuedKeys, verb: string): Promise<IssuedKeys> {
  await ctx.vault.storeConsumerSecret(secretRefOf(controlPlane, env), issued.clientSecret);
  ctx.log.info(`${verb} for ${env.orgHandle}/${env.projectHandle}/${env.componentName} in ${env.environment}; client ID ${issued.authConfiguration.clientId}`);
  ctx.changed(refIn(ComponentRef, env));
  return issued;
}

export interface ExternalKeys {
  identityProviderId: string;
  clientId: string;
}

/**
 * Add Keys: this environment accepts the tokens an external provider issues to this Client ID. What is not given is
 * asked: the provider (among the organization's external ones for this environment), then the Client ID.
 */
export async function addKeys(ctx: UseCaseContext, env: EnvironmentTarget, given: Partial<ExternalKeys> = {}): Promise<AuthConfiguration> {
  let identityProviderId = given.identityProviderId;
  if (!identityProviderId) {
    const providers = await externalProvidersFor(ctx, env);
    if (!providers.length) {
      throw new UseCaseError(
        'no_identity_provider',
        l10n.t`Organization ${env.orgHandle} has no external identity provider for ${env.environmentName}. Run "Add Identity Provider" first.`,
      );
    }
    identityProviderId = (
      await ctx.ui.pick(
        providers.map((p) => ({ label: p.name, description: p.issuer, id: p.id })),
        { title: l10n.t`Add Keys: identity provider for ${env.environmentName}` },
      )
    ).id;
  }
  const clientId =
    given.clientId ??
    (await ctx.ui.ask({
      title: l10n.t('Add Keys'),
      prompt: l10n.t('Client ID of the app you created in the identity provider (access token type: JWT)'),
      validate: validateWith(AddExternalKeys.shape.clientId),
    }));
  const body = parseInput(AddExternalKeys, { identityProviderId, clientId: clientId.trim() });
  const client = await ctx.client();
  const auth = await ctx.ui.progress(l10n.t`Adding keys to ${env.displayName} in ${env.environmentName}…`, () =>
    client.addExternalKeys(env.orgHandle, env.projectHandle, env.componentName, env.environment, body),
  );
  // The built-in client of this environment is replaced: a secret kept for it would only mislead.
  await ctx.vault.deleteConsumerSecret(secretRefOf(client.baseUrl, env));
  ctx.log.info(`Added keys of ${auth.identityProviderName} for ${env.orgHandle}/${env.projectHandle}/${env.componentName} in ${env.environment}`);
  ctx.changed(refIn(ComponentRef, env));
  return auth;
}

/**
 * Remove Keys (asks first, unless `confirmed`): the environment goes back to no keys, so its tokens stop passing the
 * gateway; the secret this VS Code kept for it leaves SecretStorage. Lets an external provider be deleted after.
 */
export async function removeKeys(ctx: UseCaseContext, env: EnvironmentTarget, o: { confirmed?: boolean } = {}): Promise<void> {
  const auth = env.auth;
  if (!auth) throw new UseCaseError('not_configured', l10n.t`${env.displayName} has no keys in ${env.environmentName}.`);
  if (!o.confirmed) {
    await ctx.ui.confirm(
      l10n.t`Remove the keys of ${env.displayName} in ${env.environmentName}?`,
      l10n.t`Its ${auth.identityProviderName} client ${auth.clientId} stops being accepted: the gateway refuses its tokens at once. Configure Authentication again to use it in ${env.environmentName}.`,
      l10n.t('Remove Keys'),
    );
  }
  const client = await ctx.client();
  await ctx.ui.progress(l10n.t`Removing the keys of ${env.displayName} in ${env.environmentName}…`, () =>
    client.deleteAuthConfiguration(env.orgHandle, env.projectHandle, env.componentName, env.environment),
  );
  const external = auth.identityProviderKind === 'built-in' ? undefined : auth.identityProviderId;
  await ctx.vault.deleteConsumerSecret(secretRefOf(client.baseUrl, env, external));
  ctx.log.info(`Removed the keys of ${env.orgHandle}/${env.projectHandle}/${env.componentName} in ${env.environment} (${auth.identityProviderName})`);
  ctx.changed(refIn(ComponentRef, env));
}

/** The secret this VS Code keeps for an environment's built-in keys, if any (Copy Secret). */
export async function storedSecret(ctx: UseCaseContext, env: EnvironmentTarget): Promise<string | undefined> {
  const client = await ctx.client();
  const external = env.auth?.identityProviderKind === 'external' ? env.auth.identityProviderId : undefined;
  return ctx.vault.getConsumerSecret(secretRefOf(client.baseUrl, env, external));
}

/** The external identity providers that apply to an environment (for Add Keys' picker). */
export async function externalProvidersFor(ctx: UseCaseContext, env: Pick<EnvironmentTarget, 'orgHandle' | 'environment'>) {
  const client = await ctx.client();
  return (await client.listIdentityProviders(env.orgHandle)).filter(
    (p) => p.kind === 'external' && (p.environments === 'all' || p.environments.includes(env.environment)),
  );
}
