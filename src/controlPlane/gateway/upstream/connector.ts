/**
 * How the gateway opens a connection to an upstream, and the address rule it opens it under (../../http/addressRule.ts):
 * an IP address is judged before anything is dialled; a name is resolved by the connection's own `lookup`, which
 * judges every address it resolved to, and the socket then connects to that very address (DNS changed since the URL
 * was saved, or rebinding, gains nothing).
 *
 * `connect` is net.connect / tls.connect; a test gives its own to record the address the gateway would dial, without
 * dialling it (no test sends traffic to a non-loopback address).
 */
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { connectionRule, OPEN_POLICY, type OutboundPolicy, type OutboundRefused } from '../../http/addressRule';

export interface ConnectOptions {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  tls: boolean;
  /** Resolves a name and checks what it resolves to; absent: the system's lookup, nothing refused. */
  lookup: LookupFunction | undefined;
  /** TLS: the name the certificate must have (absent for an IP address). */
  servername: string | undefined;
  /** TLS: the authorities trusted. */
  ca: Array<string | Buffer> | undefined;
  /** Plain TCP: read into this buffer through this callback (net's `onread`). */
  onread: { buffer: Uint8Array; callback: (length: number, buffer: Uint8Array) => boolean } | undefined;
}

/** Opens the socket (not connected yet: the caller waits for 'connect' / 'secureConnect'). */
export type UpstreamConnect = (options: ConnectOptions) => net.Socket;

export const systemConnect: UpstreamConnect = (o) =>
  o.tls
    ? tls.connect({ host: o.host, port: o.port, servername: o.servername, ca: o.ca, ALPNProtocols: ['http/1.1'], lookup: o.lookup })
    : net.connect({ host: o.host, port: o.port, lookup: o.lookup, onread: o.onread });

/** The gateway's side of the outbound rule, made once per gateway. */
export class UpstreamNetwork {
  readonly lookup: LookupFunction | undefined;
  private readonly rule: ReturnType<typeof connectionRule>;

  constructor(
    policy: OutboundPolicy = OPEN_POLICY,
    readonly connect: UpstreamConnect = systemConnect,
  ) {
    this.rule = connectionRule(policy);
    this.lookup = this.rule.lookup;
  }

  /** The refusal for a connection to this host, when it is an IP address the rule refuses (a name is judged by
   * `lookup` once resolved). */
  refuse(host: string): OutboundRefused | undefined {
    return net.isIP(host) === 0 ? undefined : this.rule.refuse(host);
  }
}
