// The variables of one connection in one environment, ready for a .env file: names from the connection config
// entries, values from the entries or (for the sensitive ConsumerSecret) from the caller's vault.
import type { ConnectionConfig, ConnectionKey } from '../api/connections';
import type { EnvVariable } from './dotenv';

export interface ConnectionVariables {
  variables: EnvVariable[];
  /** Variable names with no value to write (a secret the user chose not to reveal, or no keys yet). */
  missing: string[];
}

/**
 * `secrets` gives values for sensitive entries, looked up by key (the caller reads them from SecretStorage after
 * the user confirms). A sensitive entry never takes its value from the config itself.
 */
export function connectionVariables(config: ConnectionConfig, secrets: Partial<Record<ConnectionKey, string>> = {}): ConnectionVariables {
  const variables: EnvVariable[] = [];
  const missing: string[] = [];
  for (const entry of config.entries) {
    const value = entry.isSensitive ? secrets[entry.key] : entry.value;
    if (value === undefined || value === '') missing.push(entry.envVariableName);
    else variables.push({ name: entry.envVariableName, value });
  }
  return { variables, missing };
}

/** The plain (non-sensitive) value of a key, if the config carries one. */
export function connectionValue(config: ConnectionConfig, key: ConnectionKey): string | undefined {
  const entry = config.entries.find((e) => e.key === key);
  return entry && !entry.isSensitive ? entry.value : undefined;
}
