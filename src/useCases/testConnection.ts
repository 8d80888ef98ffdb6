/**
 * Test Connection: a real call through the gateway, as the consumer's code would make it. A token from the
 * environment's token URL (client_credentials with the secret kept in SecretStorage, or for an external provider the
 * secret the user gives, or an access token pasted as is), then `method` `ServiceURL + path` with it. The answer
 * (status, time, headers, body) is reported; a refusal says what the gateway said and what to do. The token and the
 * secret are never shown or logged.
 */
import type { ConnectionKey } from '../api';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import { secretForTokenRequest } from './getTestToken';
import { type ConnectionInEnvironment, resolveEnvironment } from './targets';
import * as l10n from '@vscode/l10n';

export const TEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type TestMethod = (typeof TEST_METHODS)[number];

export interface TestConnectionInput {
  method?: TestMethod;
  /** The path after the service URL; `/` by default. */
  path?: string;
  /** For an external provider: an access token to use as it is, instead of asking for one. */
  accessToken?: string;
  /** For an external provider: the client secret for client_credentials, instead of asking. */
  clientSecret?: string;
}

export interface TestConnectionResult {
  url: string;
  method: TestMethod;
  status: number;
  statusText: string;
  ms: number;
  headers: [string, string][];
  body: string;
  /** For a 401 or 403: what the gateway said and what to do. */
  advice?: string;
  report: string;
}

const BODY_LIMIT = 64 * 1024;

function entry(target: ConnectionInEnvironment, key: ConnectionKey): string | undefined {
  return target.config.entries.find((e) => e.key === key)?.value;
}

/** `path` joined to the service URL, refusing anything that would leave it (another host, a scheme). */
export function testUrl(serviceUrl: string, path = '/'): string {
  const trimmed = path.trim() || '/';
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) {
    throw new UseCaseError('invalid_path', l10n.t('Enter a path that starts with "/" (for example /greeting?name=Ada).'));
  }
  return serviceUrl.replace(/\/+$/, '') + trimmed;
}

export async function testConnection(ctx: UseCaseContext, target: ConnectionInEnvironment, input: TestConnectionInput = {}): Promise<TestConnectionResult> {
  const serviceUrl = entry(target, 'ServiceURL');
  if (!serviceUrl) throw new UseCaseError('not_found', l10n.t`Connection ${target.ref.connection.name} has no service URL in ${target.environmentName}.`);
  const method = input.method ?? 'GET';
  const url = testUrl(serviceUrl, input.path);
  const env = await resolveEnvironment(ctx, { ...target.ref, environment: target.environment });
  if (!env.auth) {
    throw new UseCaseError(
      'not_configured',
      l10n.t`${env.displayName} has no keys in ${env.environmentName}: Configure Authentication for ${env.environmentName} first.`,
    );
  }
  let token = input.accessToken;
  if (!token && env.auth.identityProviderKind !== 'built-in' && !input.clientSecret) {
    const how = await ctx.ui.pick(
      [
        { label: l10n.t('Enter the client secret'), detail: `client_credentials at ${env.auth.tokenUrl}`, how: 'secret' as const },
        { label: l10n.t('Paste an access token'), detail: `a token ${env.auth.identityProviderName} issued for ${env.auth.clientId}`, how: 'token' as const },
      ],
      { title: l10n.t`Test Connection: a token from ${env.auth.identityProviderName}` },
    );
    if (how.how === 'token')
      token = await ctx.ui.ask({ title: l10n.t('Test Connection'), prompt: l10n.t('Access token (used once, not kept)'), password: true });
  }
  if (!token) {
    const { auth, secret } = await secretForTokenRequest(ctx, env, { clientSecret: input.clientSecret });
    const { requestClientCredentialsToken, TokenRequestError } = await import('../client/testToken.js');
    try {
      token = await requestClientCredentialsToken(auth.tokenUrl, auth.clientId, secret);
    } catch (e) {
      if (e instanceof TokenRequestError) throw new UseCaseError(e.code, e.message);
      throw e;
    }
  }
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { method, headers: { authorization: `Bearer ${token}` }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new UseCaseError('unreachable', l10n.t`Nothing answered at ${url}: ${(e as Error).message}. Is the control plane running?`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const ms = performance.now() - started;
  const body = new TextDecoder().decode(bytes.subarray(0, BODY_LIMIT)) + (bytes.length > BODY_LIMIT ? `\n… (${bytes.length - BODY_LIMIT} more bytes)` : '');
  const headers = [...res.headers.entries()];
  const advice = adviceFor(res.status, body, target);
  ctx.log.info(`Test Connection ${target.ref.connection.name} (${target.environment}): ${method} ${url} → ${res.status} in ${ms.toFixed(0)} ms`);
  const result: Omit<TestConnectionResult, 'report'> = { url, method, status: res.status, statusText: res.statusText, ms, headers, body, advice };
  return { ...result, report: report(target, result) };
}

/** What the gateway's refusal means for this user, in a sentence they can act on. */
function adviceFor(status: number, body: string, target: ConnectionInEnvironment): string | undefined {
  if (status !== 401 && status !== 403) return undefined;
  let said = '';
  try {
    // The gateway answers `{ error: { code, message } }`; an OAuth-style body says `error_description`.
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown; error_description?: unknown };
    said = String(parsed.error?.message ?? parsed.message ?? parsed.error_description ?? '');
  } catch {
    said = body.slice(0, 300);
  }
  const consumer = target.ref.displayName;
  const todo =
    status === 401
      ? l10n.t`The token was refused. Check that ${consumer}'s keys in ${target.environmentName} are current (Regenerate Secret refuses tokens issued before it), then test again.`
      : l10n.t`The token is valid, but ${consumer} may not call this endpoint. Check that the connection ${target.ref.connection.name} still exists (Create Connection adds it again).`;
  return said ? l10n.t`The gateway said: "${said}". ${todo}` : todo;
}

function report(target: ConnectionInEnvironment, r: Omit<TestConnectionResult, 'report'>): string {
  const fence = r.body.includes('```') ? '~~~~' : '```';
  return [
    `# Test Connection: ${target.ref.connection.name} (${target.environmentName})`,
    '',
    `**${r.method} ${r.url}** → **${r.status} ${r.statusText}** in ${r.ms.toFixed(0)} ms`,
    ...(r.advice ? ['', `> ${r.advice}`] : []),
    '',
    '## Headers',
    '',
    ...r.headers.map(([k, v]) => `- \`${k}\`: ${v}`),
    '',
    '## Body',
    '',
    fence,
    r.body,
    fence,
  ].join('\n');
}
