/**
 * Key settings of an external consumer's keys of the built-in identity provider in one environment: grant types,
 * callback URLs, public client, PKCE and expiry times (Choreo's "Keys for apps that sign people in"). Checked with the
 * API's own KeySettings before anything is sent, so each problem is said under its field at once; the server checks
 * again and its refusals land the same way.
 */
import type { AuthConfiguration } from '../api/auth';
import { DEFAULT_KEY_SETTINGS, KeySettings, type KeySettingsInput } from '../api/keySettings';
import { ComponentRef, refIn } from '../api/refs';
import type { EnvironmentTarget } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

/** The settings keys have now: a server from before key settings sends none, and its keys work as the defaults say. */
export function keySettingsOf(auth: Pick<AuthConfiguration, 'keySettings'> | null | undefined): KeySettings {
  return auth?.keySettings ?? DEFAULT_KEY_SETTINGS;
}

export async function saveKeySettings(ctx: UseCaseContext, env: EnvironmentTarget, input: KeySettingsInput): Promise<AuthConfiguration> {
  if (env.auth?.identityProviderKind !== 'built-in') {
    throw new UseCaseError('no_keys', l10n.t`${env.displayName} has no keys of the built-in identity provider in ${env.environmentName}: Generate Keys first.`);
  }
  const checked = KeySettings.safeParse(input);
  if (!checked.success) {
    const fields: Record<string, string> = {};
    for (const issue of checked.error.issues) if (issue.path.length) fields[issue.path.join('.')] ??= issue.message;
    // A problem of no one field (none today) is the message itself, not a field the form does not have.
    throw new UseCaseError('validation_failed', Object.keys(fields).length ? l10n.t('Check the key settings.') : checked.error.issues[0]!.message, fields);
  }
  const auth = await (await ctx.client()).updateKeySettings(env.orgHandle, env.projectHandle, env.componentName, env.environment, checked.data);
  ctx.changed(refIn(ComponentRef, env));
  ctx.log.info(`Saved the key settings of ${env.displayName} in ${env.environmentName}: ${checked.data.grantTypes.join(', ')}`);
  return auth;
}
