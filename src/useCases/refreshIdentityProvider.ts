/**
 * Refresh Identity Provider: the control plane reads the provider's Well-Known URL and JWKS again (a provider that
 * moved its token endpoint or rotated its keys), and says what changed, in one line for a notification or a form.
 */
import type { IdentityProvider, IdentityProviderChange } from '../api';
import type { IdentityProviderTarget } from './targets';
import type { UseCaseContext } from './context';
import * as l10n from '@vscode/l10n';

export interface RefreshedProvider {
  provider: IdentityProvider;
  changes: IdentityProviderChange[];
  /** "Nothing changed", or "Token endpoint: a → b; signing keys: added k2". */
  summary: string;
}

const LABELS: Record<IdentityProviderChange['field'], string> = {
  issuer: 'issuer',
  tokenEndpoint: 'token endpoint',
  jwksUri: 'JWKS URL',
  signingKeys: 'signing keys',
};

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "token endpoint: a → b"; for the signing keys, which are a set, what was added and removed ("signing keys: added
 * k3; removed k1"), since a whole list before and after hides the one key that moved. */
function describeChange(c: IdentityProviderChange): string {
  if (c.field !== 'signingKeys') return `${LABELS[c.field]}: ${c.before || 'none'} → ${c.after || 'none'}`;
  const ids = (s: string) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  const before = ids(c.before);
  const after = ids(c.after);
  const added = after.filter((k) => !before.includes(k));
  const removed = before.filter((k) => !after.includes(k));
  const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
  return `${LABELS.signingKeys}: ${parts.join('; ') || `${c.before} → ${c.after}`}`;
}

/** Each change on a line of its own ("Token endpoint: a → b"), for a list. */
export function changeLines(changes: readonly IdentityProviderChange[]): string[] {
  return changes.map((c) => capitalized(describeChange(c)));
}

/** What a refresh found different, in one line: "Nothing changed", or "Token endpoint: a → b; signing keys: added k2". */
export function describeChanges(changes: readonly IdentityProviderChange[]): string {
  if (!changes.length) return l10n.t('Nothing changed');
  return capitalized(changes.map(describeChange).join('; '));
}

export async function refreshIdentityProvider(
  ctx: UseCaseContext,
  target: Pick<IdentityProviderTarget, 'orgHandle'> & { identityProvider: Pick<IdentityProvider, 'id' | 'name'> },
): Promise<RefreshedProvider> {
  const { orgHandle: org, identityProvider } = target;
  const client = await ctx.client();
  const { provider, changes } = await ctx.ui.progress(l10n.t`Refreshing ${identityProvider.name} from its Well-Known URL…`, () =>
    client.refreshIdentityProvider(org, identityProvider.id),
  );
  const summary = describeChanges(changes);
  ctx.log.info(`Refreshed identity provider ${provider.name} of ${org}: ${summary}`);
  ctx.changed({ orgHandle: org, identityProviders: true });
  return { provider, changes, summary };
}
