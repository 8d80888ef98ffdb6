/**
 * The one rule for every URL the control plane connects to on a user's word: an external identity provider's discovery
 * document and its JWKS (fetched), the provider's token endpoint (handed out), and a service's upstream URLs (the
 * gateway's calls).
 *
 * On a team server (a public URL, or listening on a non-loopback host), a URL that leads to a loopback, unspecified,
 * link-local, private, unique-local, IPv4-mapped or otherwise non-public address is refused unless the operator
 * started the server with `--allow-private-addresses` (identity providers and services inside the team's own
 * network): otherwise anyone with API access could make the server read its own admin API, a cloud metadata service
 * (169.254.169.254) or other hosts of the internal network. Every spelling of an address (127.1, 0x7f.1, 2130706433,
 * 0177.0.0.1, [::ffff:127.0.0.1]) is one address once the URL is parsed, and a name is judged by what it resolves to.
 * The check is made when a URL is saved and again on the address each connection goes to, inside the connection
 * itself: the connection goes to the very address that was checked (no second resolution), so a name that resolves
 * to a public address for the check and to 127.0.0.1 for the connection (DNS rebinding, or DNS changed since the URL
 * was saved) gains nothing. A local control plane (the extension's, on 127.0.0.1) connects anywhere: its callers hold
 * its admin token, and local providers and services are the point of it.
 */
import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import * as net from 'node:net';

/** Every address a host name resolves to (dns.lookup by default; tests give a resolver of their own). */
export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundPolicy {
  /** Refuse non-public addresses (a team server without --allow-private-addresses). */
  publicOnly: boolean;
  /** How names are resolved: the system's resolver unless a test gives another. */
  resolve?: Resolve;
}

export const OPEN_POLICY: OutboundPolicy = { publicOnly: false };

/** The operator's flag that lifts the rule, named in every refusal. */
export const ALLOW_PRIVATE_FLAG = '--allow-private-addresses';

/** A fetch or connection the rule refused, before any connection was made. */
export class OutboundRefused extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The ranges a team server does not connect to, each with the name a refusal gives it. */
const RANGES: readonly (readonly [prefix: string, bits: number, family: 'ipv4' | 'ipv6', rule: string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata services live here)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved (benchmarking)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 96, 'ipv6', 'IPv4-compatible'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64 (may lead to any IPv4 address)'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
/**
 * An address as 16-bit groups (IPv4: 2, IPv6: 8), from a string net.isIP accepted. Parsed by hand: net.BlockList
 * builds a SocketAddress per check (~10 µs), which a new upstream connection per call would pay every time.
 */
function groups(address: string, family: 4 | 6): number[] {
  if (family === 4) {
    const [a, b, c, d] = address.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  }
  let text = address;
  const tail: number[] = [];
  const dot = text.lastIndexOf('.');
  if (dot !== -1) {
    // An IPv4 address in the last 32 bits (::ffff:127.0.0.1).
    const colon = text.lastIndexOf(':');
    tail.push(...groups(text.slice(colon + 1), 4));
    text = text.slice(0, colon + 1);
    // The ':' before the IPv4 part separates it, unless it is half of a '::'.
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const gap = text.indexOf('::');
  const head = gap === -1 ? parse(text) : parse(text.slice(0, gap));
  const rest = gap === -1 ? [] : parse(text.slice(gap + 2));
  const zeros = 8 - head.length - rest.length - tail.length;
  return [...head, ...new Array<number>(Math.max(0, zeros)).fill(0), ...rest, ...tail];
}

interface Range {
  family: 4 | 6;
  groups: number[];
  bits: number;
  rule: string;
}
const PARSED: Range[] = RANGES.map(([prefix, bits, family, rule]) => {
  const f = family === 'ipv4' ? 4 : 6;
  return { family: f, groups: groups(prefix, f), bits, rule };
});

function inRange(g: number[], r: Range): boolean {
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((g[i] & mask) !== (r.groups[i] & mask)) return false;
  }
  return true;
}

/**
 * Why a team server must not connect to this IP address (the rule's name, e.g. "loopback"), or undefined for a
 * public one. Brackets are allowed. An IPv4-mapped IPv6 address is refused whatever IPv4 address it holds.
 */
export function nonPublicRule(address: string): string | undefined {
  // A connection per call to the same few upstream addresses asks again and again: remember the answers.
  const known = verdicts.get(address);
  if (known !== undefined) return known === null ? undefined : known;
  const rule = judge(address);
  if (verdicts.size >= 4096) verdicts.clear();
  verdicts.set(address, rule ?? null);
  return rule;
}

const verdicts = new Map<string, string | null>();

function judge(address: string): string | undefined {
  const a = address.charCodeAt(0) === 0x5b /* [ */ ? address.slice(1, -1) : address;
  const family = net.isIP(a);
  if (family === 0) return 'not an IP address';
  const g = groups(a, family as 4 | 6);
  // The most specific range names the rule (::1 is loopback, not IPv4-compatible).
  let best: Range | undefined;
  for (const r of PARSED) {
    if (r.family === family && inRange(g, r) && (best === undefined || r.bits > best.bits)) best = r;
  }
  return best?.rule;
}

/** Whether an IP address is one a team server must not connect to. */
export function isNonPublicAddress(address: string): boolean {
  return nonPublicRule(address) !== undefined;
}

const refusal = (host: string, address: string, rule: string) =>
  new OutboundRefused(
    `${host === address ? address : `${host} leads to ${address}, which`} is a ${rule} address; this team server connects only to public addresses (its operator can allow private ones with ${ALLOW_PRIVATE_FLAG}).`,
  );

const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** Resolves `hostname` once and checks every address it has; the address to connect to, or an OutboundRefused. */
export async function resolvePublic(hostname: string, policy: OutboundPolicy = { publicOnly: true }): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const rule = nonPublicRule(host);
    if (rule) throw refusal(host, host, rule);
    return host;
  }
  const addresses = await (policy.resolve ?? systemResolve)(host);
  for (const a of addresses) {
    const rule = nonPublicRule(a.address);
    if (rule) throw refusal(host, a.address, rule);
  }
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  return addresses[0].address;
}

/** Checks, before a registration is stored, a URL the server will hand out or fetch later (the same rule). */
export async function checkOutboundUrl(url: URL, policy: OutboundPolicy): Promise<void> {
  if (policy.publicOnly) await resolvePublic(url.hostname, policy);
}

/**
 * The rule for a connection that `net.connect` / `tls.connect` makes itself: a refusal for an IP address (which
 * Node connects to without a lookup), and the `lookup` that resolves a name and checks what it resolved to before
 * Node connects to it. Open policy with the system's resolver: no lookup of our own (Node's own is the same).
 */
export function connectionRule(policy: OutboundPolicy): { refuse(address: string): OutboundRefused | undefined; lookup: LookupFunction | undefined } {
  const resolve = policy.resolve ?? systemResolve;
  const lookup: LookupFunction | undefined =
    !policy.publicOnly && policy.resolve === undefined
      ? undefined
      : (hostname, options, callback) => {
          const done = callback as (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void;
          resolve(hostname).then(
            (found) => {
              const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
              if (policy.publicOnly) {
                for (const a of wanted) {
                  const rule = nonPublicRule(a.address);
                  if (rule) return done(refusal(hostname, a.address, rule), '');
                }
              }
              if (wanted.length === 0) return done(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
              if (options.all) done(null, wanted);
              else done(null, wanted[0].address, wanted[0].family);
            },
            (err: Error) => done(err, ''),
          );
        };
  return {
    refuse(address) {
      if (!policy.publicOnly) return undefined;
      const rule = nonPublicRule(address);
      return rule === undefined ? undefined : refusal(address, address, rule);
    },
    lookup,
  };
}
