/**
 * Fetches on a user's word (identity providers' discovery documents and keys) under the server's address rule
 * (addressRule.ts): an undici dispatcher whose connections are resolved once, checked, then made to that address, and
 * the one text for a fetch that failed below HTTP.
 */
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { OutboundRefused, resolvePublic, type OutboundPolicy } from './addressRule';

export * from './addressRule';

/** Per policy (a server's; tests run several in a process), per connect time-out. */
const agents = new WeakMap<OutboundPolicy, Map<number, Agent>>();

/** An undici dispatcher whose connections follow the policy: resolved once, checked, then made to that address. */
export function outboundDispatcher(policy: OutboundPolicy, connectTimeoutMs: number): Dispatcher {
  let byTimeout = agents.get(policy);
  if (!byTimeout) agents.set(policy, (byTimeout = new Map()));
  let agent = byTimeout.get(connectTimeoutMs);
  if (!agent) {
    const connect = buildConnector({ timeout: connectTimeoutMs });
    agent = new Agent({
      keepAliveTimeout: 1_000,
      connect: policy.publicOnly
        ? (options, callback) => {
            // `host` (name:port) stays as it was: TLS checks the certificate against the name, not the address.
            resolvePublic(options.hostname, policy).then(
              (address) => connect({ ...options, hostname: address }, callback),
              (err: Error) => callback(err, null),
            );
          }
        : connect,
    });
    byTimeout.set(connectTimeoutMs, agent);
  }
  return agent;
}

/**
 * One text for every way a fetch can fail below HTTP (refused, reset, timed out, not HTTP, TLS), so the answer does
 * not tell an open port from a closed one; a refusal of the rule and a name that does not resolve keep their own.
 */
export function describeOutboundFailure(err: unknown, url: URL, what: string): string {
  if (err instanceof OutboundRefused) return err.message;
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? '';
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundRefused) return cause.message;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host ${url.hostname} could not be found. Check the URL.`;
  return `No usable answer came from ${url.host} for the ${what} (no connection, a broken or timed-out one, or a TLS certificate this machine does not trust). Check the URL and that the provider is reachable.`;
}
