import type { AuthConfiguration } from '../api';
import * as l10n from '@vscode/l10n';

/** How an environment row of an external consumer states its authentication, in the product's words. */
export function authStateLabel(auth: AuthConfiguration | undefined): string {
  if (!auth) return l10n.t('Not configured');
  if (auth.identityProviderKind === 'built-in') return auth.hasSecret ? l10n.t('Built-in · keys generated') : l10n.t('Built-in · no secret');
  return l10n.t`External: ${auth.identityProviderName} · ${auth.clientId}`;
}

/** The `viewItem` context value of an environment row; package.json's menus key on it. */
export function authContextValue(auth: AuthConfiguration | undefined): string {
  if (!auth) return 'environment.notConfigured';
  return auth.identityProviderKind === 'built-in' ? 'environment.builtIn' : 'environment.external';
}
