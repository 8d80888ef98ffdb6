/**
 * What the editor knows of a folder's linked external consumer: its connections and the CHOREO_* variables they
 * yield (names are derived locally, as the control plane derives them), and per environment the values a hover shows.
 * Fetched once and kept until something changes (a connection created or deleted, the link, the control plane).
 */
import { ConnectionKey, envVariableName, type Connection, type ConnectionConfig } from '../api';
import type { UseCaseContext } from '../useCases/context';
import type { WorkspaceLink } from './workspaceLink';

// Every key a connection may yield (IssuerURL only with keys that sign people in: a sign-in snippet reads it, and a
// name it reads is no typo).
const KEYS: readonly ConnectionKey[] = ConnectionKey.options;

export interface ConnectionVariable {
  name: string;
  key: ConnectionKey;
  sensitive: boolean;
  connection: Connection;
}

export interface EnvironmentValues {
  environmentName: string;
  config: ConnectionConfig;
}

export class LinkedConsumer {
  private variablesPromise: Promise<Map<string, ConnectionVariable>> | undefined;
  private readonly configs = new Map<string, Promise<EnvironmentValues[]>>();

  constructor(
    readonly link: WorkspaceLink,
    private readonly ctx: Pick<UseCaseContext, 'client'>,
  ) {}

  /** Every variable the consumer's connections yield, by name. */
  variables(): Promise<Map<string, ConnectionVariable>> {
    this.variablesPromise ??= (async () => {
      const client = await this.ctx.client();
      const { organization: org, project, externalConsumer } = this.link;
      const connections = await client.listConnections(org, project, externalConsumer);
      const map = new Map<string, ConnectionVariable>();
      for (const connection of connections) {
        for (const key of KEYS) {
          const name = envVariableName(connection.name, key);
          map.set(name, { name, key, sensitive: key === 'ConsumerSecret', connection });
        }
      }
      return map;
    })();
    // A failed fetch is not kept: the next request tries again.
    this.variablesPromise.catch(() => (this.variablesPromise = undefined));
    return this.variablesPromise;
  }

  /** The known variables if they are already fetched (diagnostics run only on what is known, never on a guess). */
  async knownOrUndefined(): Promise<Map<string, ConnectionVariable> | undefined> {
    try {
      return await this.variables();
    } catch {
      return undefined;
    }
  }

  /** A connection's values in every environment of the organization (the secret's value is never among them). */
  valuesOf(connection: Connection): Promise<EnvironmentValues[]> {
    let p = this.configs.get(connection.name);
    if (!p) {
      p = (async () => {
        const client = await this.ctx.client();
        const { organization: org, project, externalConsumer } = this.link;
        const environments = await client.listEnvironments(org);
        return Promise.all(
          environments.map(async (e) => ({
            environmentName: e.name,
            config: await client.getConnectionConfig(org, project, externalConsumer, connection.name, e.handle),
          })),
        );
      })();
      p.catch(() => this.configs.delete(connection.name));
      this.configs.set(connection.name, p);
    }
    return p;
  }

  forget(): void {
    this.variablesPromise = undefined;
    this.configs.clear();
  }
}
