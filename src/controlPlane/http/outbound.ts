/**
 * The one rule for every URL the control plane fetches on a user's word (an external identity provider's discovery
 * document and its JWKS) or hands out as part of a registration (the provider's token endpoint).
 *
 * On a team server (`--public-url`), a URL that leads to a loopback, link-local, private or otherwise non-public
 * address is refused unless the operator started the server with `--allow-private-addresses` (an identity provider
 * inside the team's own network): otherwise anyone with API access could make the server read its own admin API,
 * a cloud metadata service (169.254.169.254) or other hosts of the internal network. The check is made on the
 * address the host name resolves to, inside the connection itself: the connection goes to the very address that was
 * checked (no second resolution), so a name that resolves to a public address for the check and to 127.0.0.1 for
 * the connection (DNS rebinding) gains nothing. A local control plane (the extension's, on 127.0.0.1) fetches from
 * anywhere: its callers hold its admin token, and local providers are the point of it.
 */
import * as dns from 'node:dns';
import * as net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';

export interface OutboundPolicy {
  /** Refuse non-public addresses (a team server without --allow-private-addresses). */
  publicOnly: boolean;
}

export const OPEN_POLICY: OutboundPolicy = { publicOnly: false };

/** A fetch the rule refused, before any connection was made. */
export class OutboundRefused extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: may lead to any IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv6');
}

/** Whether an IP address is one a team server must not fetch from (IPv4-mapped IPv6 judged by its IPv4 address). */
export function isNonPublicAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  const family = net.isIP(a);
  if (family === 0) return true; // not an address at all: never connect to it
  return blocked.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

const refusal = (host: string, address: string) =>
  new OutboundRefused(
    `${host} leads to ${address}, a loopback, link-local or private address; this team server fetches only from public addresses (its operator can allow private ones with --allow-private-addresses).`,
  );

/** Resolves `hostname` once and checks every address it has; the address to connect to, or an OutboundRefused. */
export async function resolvePublic(hostname: string): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  const bad = addresses.find((a) => isNonPublicAddress(a.address));
  if (bad) throw refusal(host, bad.address);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  return addresses[0].address;
}

/** Checks, before a registration is stored, a URL the server will hand out or fetch later (the same rule). */
export async function checkOutboundUrl(url: URL, policy: OutboundPolicy): Promise<void> {
  if (policy.publicOnly) await resolvePublic(url.hostname);
}

const agents = new Map<string, Agent>();

/** An undici dispatcher whose connections follow the policy: resolved once, checked, then made to that address. */
export function outboundDispatcher(policy: OutboundPolicy, connectTimeoutMs: number): Dispatcher {
  const key = `${policy.publicOnly}/${connectTimeoutMs}`;
  let agent = agents.get(key);
  if (!agent) {
    const connect = buildConnector({ timeout: connectTimeoutMs });
    agent = new Agent({
      keepAliveTimeout: 1_000,
      connect: policy.publicOnly
        ? (options, callback) => {
            // `host` (name:port) stays as it was: TLS checks the certificate against the name, not the address.
            resolvePublic(options.hostname).then(
              (address) => connect({ ...options, hostname: address }, callback),
              (err: Error) => callback(err, null),
            );
          }
        : connect,
    });
    agents.set(key, agent);
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
