import type { TokenCheck } from '../client/testToken';
import { type EnvironmentTarget, refOf, resolveEnvironment, type Target } from '../useCases/targets';
import { getTestToken as get } from '../useCases/getTestToken';
import { optionsOf, type CommandContext } from './commandContext';
import { showReadOnlyMarkdown } from './readOnlyDocuments';
import * as l10n from '@vscode/l10n';

/** Get Test Token for an environment's keys, and a read-only report of what the gateway would say (`show: false` skips it). */
export async function getTestToken(
  ctx: CommandContext,
  target?: Target<EnvironmentTarget>,
  options?: { clientSecret?: string; keepSecret?: boolean; show?: boolean },
): Promise<TokenCheck> {
  const env = await resolveEnvironment(ctx, refOf(target));
  const o = optionsOf(options);
  const { check, report } = await get(ctx, env, { clientSecret: o.clientSecret, keepSecret: o.keepSecret });
  if (o.show !== false) await showReadOnlyMarkdown(l10n.t`Test token ${env.componentName}-${env.environment}`, report);
  return check;
}
