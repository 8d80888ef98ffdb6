/**
 * The `choreo` attribute of a launch configuration (any debug type): `"choreo": { "environment": "development" }`,
 * optionally `"connection": "Greeting Service"` to narrow it to one connection. At launch the folder's consumer's
 * CHOREO_* values of that environment go into the configuration's `env`; values the configuration sets win. Pure (no
 * vscode): the provider (debugConfigurationProvider.ts) finds the folder's link and shows a refusal.
 */
import type { WorkspaceLink } from '../editor/linkFile';
import { connectionEnvironment, type ConnectionEnvironment, type ConnectionValuesRequest } from '../useCases/connectionEnvironment';
import type { UseCaseContext } from '../useCases/context';
import { UseCaseError } from '../useCases/errors';
import { DEBUG_ATTRIBUTE } from './attribute';
const KEYS = ['environment', 'connection'] as const;
const EXAMPLE = '"choreo": { "environment": "development" }';

/** A debug configuration as the resolver sees it: any attributes, `env` (name → value) among them. */
export interface LaunchConfiguration {
  type: string;
  name: string;
  request: string;
  [attribute: string]: unknown;
}

/** The attribute's request, or a refusal a person can act on (it names the attribute as they wrote it). */
export function parseDebugAttribute(value: unknown): ConnectionValuesRequest {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UseCaseError('invalid_attribute', `"choreo" in a launch configuration is an object, for example ${EXAMPLE}.`);
  }
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length)
    throw new UseCaseError(
      'invalid_attribute',
      `"choreo" has no ${unknown.map((k) => `"${k}"`).join(', ')}: it takes "environment" and, optionally, "connection".`,
    );
  for (const key of KEYS) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || !o[key].trim()))
      throw new UseCaseError('invalid_attribute', `"choreo"."${key}" is a name, for example ${EXAMPLE}.`);
  }
  if (o.environment === undefined) throw new UseCaseError('invalid_attribute', `"choreo" needs the environment whose values to use, for example ${EXAMPLE}.`);
  return { environment: o.environment as string, ...(o.connection !== undefined ? { connection: o.connection as string } : {}) };
}

/** The names a configuration's `env` sets (a `null` value, which unsets a variable for Node, counts as set). */
function namesSet(env: unknown): Set<string> {
  if (env === undefined) return new Set();
  if (!env || typeof env !== 'object' || Array.isArray(env))
    throw new UseCaseError('invalid_attribute', '"env" of this launch configuration is not an object of names and values.');
  return new Set(Object.keys(env));
}

/**
 * The configuration with the consumer's values added to `env` (those it sets kept as they are), or a refusal naming
 * every missing value and its fix. `choreo` stays in the configuration (debug adapters ignore what they do not know).
 */
export async function withConnectionValues<C extends LaunchConfiguration>(
  ctx: UseCaseContext,
  link: WorkspaceLink,
  config: C,
): Promise<{ config: C; values: ConnectionEnvironment }> {
  const request = parseDebugAttribute(config[DEBUG_ATTRIBUTE]);
  const given = namesSet(config.env);
  const values = await connectionEnvironment(ctx, link, request, given);
  const env = { ...values.variables, ...(config.env as Record<string, unknown> | undefined) };
  return { config: { ...config, env }, values };
}
