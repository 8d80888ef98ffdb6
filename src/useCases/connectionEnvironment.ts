/**
 * A linked folder's connection values as a process environment: the CHOREO_* variables of every connection of the
 * folder's external consumer (or one of them) in one environment, the consumer secret read from SecretStorage now.
 * For a launch (the `choreo` debug configuration attribute), Run with Connection Values and Open Terminal with
 * Connection Values. Nothing is written anywhere: the values go into the process started with them.
 */
import { CONNECTION_KEYS_ALWAYS, envVariableName } from '../api/connections';
import { type WorkspaceLink, controlPlaneOf } from '../editor/linkFile';
import { connectionVariables } from '../snippets/connectionValues';
import { type ComponentTarget, componentTargetOf, secretRefOf } from './targets';
import type { UseCaseContext } from './context';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

/** A command that fixes a refusal, offered as the refusal's button. */
export interface Fix {
  title: string;
  command: string;
  args: unknown[];
}

/** A refusal that says what fixes it (the caller shows each fix as a button). */
export class FixableError extends UseCaseError {
  constructor(
    code: string,
    message: string,
    readonly fixes: readonly Fix[],
  ) {
    super(code, message);
    this.name = 'FixableError';
  }
}

/** What a launch asks for: an environment (handle or name), and optionally one connection (its name). */
export interface ConnectionValuesRequest {
  environment?: string;
  connection?: string;
}

export interface ConnectionEnvironment {
  consumer: ComponentTarget;
  environment: { handle: string; name: string };
  /** The connections whose values are in `variables`. */
  connections: string[];
  /** Name → value, without the names the caller already sets. Holds the secret: never log or store it. */
  variables: Record<string, string>;
}

/**
 * The values for `link`'s consumer. `given` are the names the launch already sets (they win, and are not missing).
 * Throws a {@link FixableError} when a value cannot be had (no keys in that environment, the secret not kept in this
 * VS Code, no connection), naming every missing variable: a launch never starts half-configured.
 */
export async function connectionEnvironment(
  ctx: UseCaseContext,
  link: WorkspaceLink,
  request: ConnectionValuesRequest,
  given: ReadonlySet<string> = new Set(),
): Promise<ConnectionEnvironment> {
  const client = await ctx.client();
  const relink: Fix = { title: l10n.t('Link Workspace'), command: 'choreo.linkWorkspace', args: [] };
  const inUse = controlPlaneOf(client.baseUrl);
  if (link.controlPlane !== inUse) {
    const where = (cp: string) => (cp === 'local' ? 'the local control plane' : cp);
    throw new FixableError(
      'other_control_plane',
      l10n.t`This folder is linked to ${link.externalConsumer} on ${where(link.controlPlane)}, but ${where(inUse)} is in use. Switch the control plane, or link the folder again.`,
      [{ title: l10n.t('Switch Control Plane'), command: 'choreo.controlPlane.switch', args: [] }, relink],
    );
  }
  const { organization: org, project, externalConsumer } = link;
  let consumer: ComponentTarget;
  try {
    consumer = componentTargetOf(await client.getComponent(org, project, externalConsumer));
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'not_found') throw e;
    throw new FixableError(
      'not_found',
      l10n.t`This folder is linked to ${externalConsumer} (${org}/${project}), which the control plane does not have. Link the folder to an external consumer again.`,
      [relink],
    );
  }
  const target = { orgHandle: org, projectHandle: project, componentName: consumer.componentName, componentId: consumer.componentId };

  const environments = await client.listEnvironments(org);
  const wanted = request.environment?.trim().toLowerCase();
  const env = environments.find((e) => e.handle === wanted || e.name.toLowerCase() === wanted);
  if (!env) {
    const known = environments.map((e) => `"${e.handle}"`).join(', ');
    throw new UseCaseError(
      'unknown_environment',
      wanted
        ? l10n.t`Organization ${org} has no environment "${request.environment ?? ''}": use one of ${known}.`
        : l10n.t`Say which environment's values to use: one of ${known}.`,
    );
  }

  const all = await client.listConnections(org, project, consumer.componentName);
  const named = request.connection?.trim().toLowerCase();
  const connections = named ? all.filter((c) => c.name.toLowerCase() === named) : all;
  const createConnection: Fix = { title: l10n.t('Create Connection'), command: 'choreo.createConnection', args: [target] };
  if (!connections.length) {
    throw new FixableError(
      'no_connection',
      all.length
        ? l10n.t`${consumer.displayName} has no connection "${request.connection ?? ''}" (it has ${all.map((c) => `"${c.name}"`).join(', ')}).`
        : l10n.t`${consumer.displayName} has no connection yet: create one to a service, then run again.`,
      [createConnection],
    );
  }

  const auth = (await client.listAuthConfigurations(org, project, consumer.componentName)).find((a) => a.environment === env.handle);
  const external = auth && auth.identityProviderKind !== 'built-in' ? auth.identityProviderId : undefined;
  const secret = auth ? await ctx.vault.getConsumerSecret(secretRefOf(client.baseUrl, { ...target, environment: env.handle }, external)) : undefined;

  const variables: Record<string, string> = {};
  const missing: string[] = [];
  for (const connection of connections) {
    const config = await client.getConnectionConfig(org, project, consumer.componentName, connection.name, env.handle);
    const found = connectionVariables(config, secret ? { ConsumerSecret: secret } : {});
    // Without keys in the environment the config has no ConsumerKey entry at all: it is missing too.
    // IssuerURL (keys that sign people in) and ConsumerSecret (not a public client's) are there only for some keys:
    // their absence is no missing value.
    const absent = CONNECTION_KEYS_ALWAYS.filter((key) => !config.entries.some((e) => e.key === key)).map((key) => envVariableName(config.connectionName, key));
    for (const v of found.variables) if (!given.has(v.name)) variables[v.name] = v.value;
    missing.push(...[...found.missing, ...absent].filter((name) => !given.has(name)));
  }
  if (missing.length) {
    const envTarget = { ...target, environment: env.handle };
    const names = missing.join(', ');
    const lead = missing.length === 1 ? l10n.t`Not started: ${names} has no value.` : l10n.t`Not started: ${names} have no value.`;
    if (!auth) {
      throw new FixableError('not_configured', l10n.t`${lead} ${consumer.displayName} has no keys in ${env.name}: Generate Keys there, then run again.`, [
        { title: l10n.t('Generate Keys'), command: 'choreo.generateKeys', args: [envTarget] },
      ]);
    }
    if (!external) {
      throw new FixableError(
        'no_secret',
        l10n.t`${lead} This VS Code keeps no secret for ${consumer.displayName} in ${env.name} (the keys were generated elsewhere). Regenerate Secret to get one here, then run again.`,
        [{ title: l10n.t('Regenerate Secret'), command: 'choreo.regenerateSecret', args: [envTarget] }],
      );
    }
    throw new FixableError(
      'no_secret',
      l10n.t`${lead} This VS Code keeps no client secret of ${auth.clientId} (${auth.identityProviderName}). Get Test Token asks for it and can keep it in SecretStorage; then run again.`,
      [{ title: l10n.t('Get Test Token'), command: 'choreo.getTestToken', args: [envTarget] }],
    );
  }
  // Names only: the values hold the secret.
  const kept = [...given].filter((n) => n.startsWith('CHOREO_'));
  ctx.log.info(
    `Connection values of ${consumer.componentName} (${env.handle}): ${Object.keys(variables).join(', ') || 'none needed'}${kept.length ? `; as the launch sets them: ${kept.join(', ')}` : ''}`,
  );
  return { consumer, environment: { handle: env.handle, name: env.name }, connections: connections.map((c) => c.name), variables };
}

/** The environment to use: the one given, the organization's only one, or the one the user picks. */
export async function chooseEnvironment(ctx: UseCaseContext, link: WorkspaceLink, given?: string): Promise<string> {
  if (given) return given;
  const client = await ctx.client();
  const environments = await client.listEnvironments(link.organization);
  if (environments.length === 1) return environments[0]!.handle;
  const picked = await ctx.ui.pick(
    environments.map((e) => ({ label: e.name, description: e.handle, handle: e.handle })),
    { title: l10n.t`Connection values of ${link.externalConsumer}: environment` },
  );
  return picked.handle;
}
