import { type ConnectionTarget, refOf, resolveConnection, type Target } from '../useCases/targets';
import { TEST_METHODS, testConnection as test, type TestConnectionInput, type TestConnectionResult, type TestMethod } from '../useCases/testConnection';
import { optionsOf, type CommandContext } from './commandContext';
import { showReadOnlyMarkdown } from './readOnlyDocuments';
import * as l10n from '@vscode/l10n';

/**
 * Test Connection (tree, CodeLens, palette): pick the environment, the method and the path, call the service through
 * the gateway with a real token, and show status, time, headers and body in a read-only editor. With `method` and
 * `path` given (tests, the CodeLens), it asks only what is missing.
 */
export async function testConnection(
  ctx: CommandContext,
  target?: Target<ConnectionTarget & { environment: string }>,
  options?: TestConnectionInput & { show?: boolean },
): Promise<TestConnectionResult> {
  const connection = await resolveConnection(ctx, refOf(target));
  const o = optionsOf(options);
  const method: TestMethod =
    o.method ??
    (
      await ctx.ui.pick(
        TEST_METHODS.map((m) => ({ label: m, method: m })),
        { title: l10n.t`Test Connection ${connection.ref.connection.name}: method` },
      )
    ).method;
  const path =
    o.path ??
    (await ctx.ui.ask({
      title: l10n.t`Test Connection ${connection.ref.connection.name}: ${method}`,
      prompt: l10n.t`Path after ${connection.config.entries.find((e) => e.key === 'ServiceURL')?.value ?? 'the service URL'}`,
      value: '/',
      validate: (v) => (v.trim().startsWith('/') && !v.trim().startsWith('//') ? undefined : l10n.t('Start the path with "/".')),
    }));
  const result = await ctx.ui.progress(l10n.t`Testing ${connection.ref.connection.name} (${connection.environmentName})…`, () =>
    test(ctx, connection, { method, path, accessToken: o.accessToken, clientSecret: o.clientSecret }),
  );
  if (o.show !== false) await showReadOnlyMarkdown(l10n.t`Test Connection ${connection.ref.connection.name}-${connection.environment}`, result.report);
  return result;
}
