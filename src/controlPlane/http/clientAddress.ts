/**
 * Who is calling, by address: what the sign-in throttle counts (idp/authorizationServer.ts) and the audit log
 * records (members/audit.ts).
 *
 * Behind a team's reverse proxy (deploy/nginx) every TCP connection comes from the proxy, so the socket's address
 * names the proxy for every person: the per-address sign-in limit would then lock everyone out after anyone's 30
 * wrong passwords, and the audit log would name the proxy. The operator names the proxies with `--trusted-proxy`;
 * a request whose TCP peer is one of them is from the right-most `X-Forwarded-For` entry that is not itself a
 * trusted proxy. Each proxy appends the address it saw, so the entries right of that one were written by proxies we
 * trust, and the ones left of it by the caller, who can write anything there. A peer that is not a trusted proxy is
 * the client itself and its `X-Forwarded-For` is ignored: otherwise a caller connecting directly would choose the
 * address it is counted under. Without the flag the socket's address is the client's, as on the local control plane.
 */
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';

/** The operator's flag, named in its refusals. */
export const TRUSTED_PROXY_FLAG = '--trusted-proxy';

/** The address a request is counted and recorded under. */
export type ClientAddress = (req: IncomingMessage) => string;

/** Without trusted proxies: the TCP peer, whatever the request's headers say. */
export const peerAddress: ClientAddress = (req) => req.socket.remoteAddress ?? '';

/**
 * The proxies a `--trusted-proxy` value names: IP addresses and CIDR ranges, separated by commas
 * (`127.0.0.1,10.0.0.0/8,fd00::/8`). Throws, naming the entry, for one that is neither.
 */
export function parseTrustedProxies(spec: string): net.BlockList {
  const list = new net.BlockList();
  const entries = spec.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = net.isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefix = slash === -1 ? bits : /^\d{1,3}$/.test(entry.slice(slash + 1)) ? Number(entry.slice(slash + 1)) : NaN;
    if (family === 0 || !(prefix >= 0 && prefix <= bits)) {
      throw new Error(
        `${TRUSTED_PROXY_FLAG}: "${entry}" is not an IP address or a CIDR range. Give the addresses of your reverse proxies, separated by commas, e.g. ${TRUSTED_PROXY_FLAG} 127.0.0.1,10.0.0.0/8.`,
      );
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** An X-Forwarded-For entry as an IP address: `1.2.3.4`, `2001:db8::1`, or `[2001:db8::1]`; undefined otherwise. */
function entryAddress(entry: string): { address: string; family: 4 | 6 } | undefined {
  const address = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  const family = net.isIP(address);
  return family === 0 ? undefined : { address, family: family as 4 | 6 };
}

const familyName = (family: number) => (family === 6 ? 'ipv6' : 'ipv4');

/** The client's address by the rule above, for the proxies `trusted` names (none: the peer's address). */
export function clientAddressBehind(trusted: net.BlockList | undefined): ClientAddress {
  if (trusted === undefined) return peerAddress;
  return (req) => {
    const peer = peerAddress(req);
    const peerFamily = net.isIP(peer);
    if (peerFamily === 0 || !trusted.check(peer, familyName(peerFamily))) return peer;
    const header = req.headers['x-forwarded-for'];
    if (header === undefined) return peer;
    // Node joins repeated X-Forwarded-For lines with ", ", in order: one list either way.
    const entries = (Array.isArray(header) ? header.join(',') : header).split(',');
    let client = peer;
    for (let i = entries.length - 1; i >= 0; i--) {
      const found = entryAddress(entries[i].trim());
      // Nothing right of a malformed entry is the caller: our proxy wrote what it was given, so fall back to it.
      if (found === undefined) return peer;
      client = found.address;
      if (!trusted.check(found.address, familyName(found.family))) return client;
    }
    // Every hop is a trusted proxy: the farthest one is as near to the caller as we know.
    return client;
  };
}
