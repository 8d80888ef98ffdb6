import type { AuthConfiguration } from '../api';

/** How an environment row of an external consumer states its authentication, in the product's words. */
export function authStateLabel(auth: AuthConfiguration | undefined): string {
  if (!auth) return 'Not configured';
  if (auth.identityProviderKind === 'built-in') return auth.hasSecret ? 'Built-in · keys generated' : 'Built-in · no secret';
  return `External: ${auth.identityProviderName} · ${auth.clientId}`;
}

/** The `viewItem` context value of an environment row; package.json's menus key on it. */
export function authContextValue(auth: AuthConfiguration | undefined): string {
  if (!auth) return 'environment.notConfigured';
  return auth.identityProviderKind === 'built-in' ? 'environment.builtIn' : 'environment.external';
}
