import { z } from 'zod';
import { dnsLabel, isoDate } from './common';
import { Revocation } from './components';

/** A connection from an external consumer to a service endpoint. It is what lets the consumer's token through
 * the gateway for that endpoint. */
export const Connection = z.object({
  id: z.string(),
  componentId: z.string(),
  name: z.string(),
  /** The service's organization: the consumer's own, or another one's for a `Public` endpoint. */
  serviceOrgHandle: dnsLabel.optional(),
  serviceProjectHandle: dnsLabel,
  serviceComponentName: dnsLabel,
  endpointName: dnsLabel,
  createdAt: isoDate,
  /** Cut off by an Admin of the service's organization: the gateway refuses the consumer's calls from then on. */
  revoked: Revocation.optional(),
});
export type Connection = z.infer<typeof Connection>;

export const CreateConnection = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a connection name.')
    .max(63, 'Use at most 63 characters.')
    .regex(/^[A-Za-z][A-Za-z0-9 _-]*$/, 'Start with a letter; use letters, digits, spaces, hyphens and underscores.'),
  /** Default: the consumer's organization. Another organization's endpoint must be `Public`. */
  serviceOrgHandle: dnsLabel.optional(),
  /** Default: the consumer's project. Another project's endpoint must be `Organization` or `Public`. */
  serviceProjectHandle: dnsLabel.optional(),
  serviceComponentName: dnsLabel,
  endpointName: dnsLabel,
});
export type CreateConnection = z.input<typeof CreateConnection>;

/** The Choreo keys a connection yields per environment. IssuerURL (the identity provider's issuer, where an app that
 * signs people in finds the provider's endpoints through discovery) only when the consumer's keys can sign people in:
 * keys of an external provider, or built-in keys whose settings allow Authorization Code. ConsumerSecret except for
 * a public client's keys (a browser or native app: it has no secret to use). */
export const ConnectionKey = z.enum(['ServiceURL', 'ConsumerKey', 'ConsumerSecret', 'TokenURL', 'IssuerURL']);
export type ConnectionKey = z.infer<typeof ConnectionKey>;
/** The keys a connection yields only for some keys (above): where the config has no entry, there is no missing value. */
export const CONNECTION_KEYS_SOMETIMES: readonly ConnectionKey[] = ['IssuerURL', 'ConsumerSecret'];
/** The keys every connection with keys yields. */
export const CONNECTION_KEYS_ALWAYS: readonly ConnectionKey[] = ConnectionKey.options.filter((key) => !CONNECTION_KEYS_SOMETIMES.includes(key));
/** Whether the connection's keys have a secret (not a public client's): what a client_credentials client needs. */
export const keysHoldSecret = (config: { entries: readonly { key: ConnectionKey }[] }): boolean => config.entries.some((e) => e.key === 'ConsumerSecret');

/** One entry, shaped as WSO2's own extension models it. A sensitive entry never carries its value: `valueRef`
 * says where it lives (the extension's vault) instead. */
export const ConnectionEntry = z.object({
  key: ConnectionKey,
  value: z.string().optional(),
  isSensitive: z.boolean(),
  envVariableName: z.string(),
  valueRef: z.string().optional(),
});
export type ConnectionEntry = z.infer<typeof ConnectionEntry>;

export const ConnectionConfig = z.object({
  connectionName: z.string(),
  environment: z.string(),
  /** False when the consumer has no keys in this environment yet: ConsumerKey is then absent. */
  configured: z.boolean(),
  entries: z.array(ConnectionEntry),
});
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

/** `<CONNECTION_NAME>`: the connection's name upper-cased with non-alphanumerics turned into `_`. */
export function envVariablePrefix(connectionName: string): string {
  return `CHOREO_${connectionName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function envVariableName(connectionName: string, key: ConnectionKey): string {
  return `${envVariablePrefix(connectionName)}_${key.toUpperCase()}`;
}

const CHOREO_VARIABLE = new RegExp(`^CHOREO_([A-Z][A-Z0-9_]*?)_(${ConnectionKey.options.map((k) => k.toUpperCase()).join('|')})$`);

/** A connection name that yields this variable ("CHOREO_ORDERS_API_SERVICEURL" → "Orders Api"), or undefined when
 * the name is not `CHOREO_<NAME>_<KEY>` with one of the Choreo keys. */
export function connectionNameFor(variable: string): string | undefined {
  const m = CHOREO_VARIABLE.exec(variable);
  if (!m) return undefined;
  const words = m[1]!.split('_').filter(Boolean);
  const name = words
    .map((w) => w[0] + w.slice(1).toLowerCase())
    .join(' ')
    .slice(0, 63)
    .trim();
  return envVariablePrefix(name) === `CHOREO_${m[1]}` ? name : m[1]!.slice(0, 63);
}
