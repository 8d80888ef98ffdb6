/**
 * Whether a service's upstream URL answers, asked from the extension host (this machine), with a short time-out. Not
 * answering is no error: the service may start later, and the gateway calls it on each request. The probe sends no
 * credentials, follows no redirect and reads no body; it is the user's own URL, as they would curl it.
 *
 * When the control plane is a team server and the URL names this machine's loopback, the answer says so: the gateway
 * then calls the server's own localhost, not this one.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as l10n from '@vscode/l10n';

export const PROBE_TIMEOUT_MS = 3000;

export interface UpstreamProbe {
  answered: boolean;
  /** One line for the form: "answered HTTP 200 from this machine" or "did not answer: connection refused; …". */
  summary: string;
  status?: number;
  /** Set when the gateway of a remote control plane would not reach this machine's loopback URL. */
  remoteNote?: string;
}

export async function probeUpstream(url: string, controlPlaneUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<UpstreamProbe> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(l10n.t('Only http and https URLs are probed.'));
  const remoteNote =
    isLoopbackHost(target.hostname) && !isLoopbackHost(new URL(controlPlaneUrl).hostname)
      ? l10n.t`The control plane at ${new URL(controlPlaneUrl).host} is a team server: its gateway calls ${target.host} on that server, not on this machine.`
      : undefined;
  const note = remoteNote ? { remoteNote } : {};
  try {
    const status = await statusOf(target, timeoutMs);
    return { answered: true, status, summary: `answered HTTP ${status} from this machine`, ...note };
  } catch (e) {
    return { answered: false, summary: `did not answer: ${reason(e, timeoutMs)}; start your service, the gateway will call it on each request`, ...note };
  }
}

class ProbeTimeout extends Error {}

/** The status line of a GET, the body left unread (the socket is dropped once the head arrived). */
function statusOf(url: URL, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', agent: false, headers: { 'user-agent': 'choreo-vscode-probe' } },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
        req.destroy();
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new ProbeTimeout()));
    req.on('error', reject);
    req.end();
  });
}

function reason(e: unknown, timeoutMs: number): string {
  if (e instanceof ProbeTimeout) return `no answer in ${timeoutMs / 1000} s`;
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name is not known';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `its TLS certificate is not trusted here (${code})`;
    default:
      return code ?? (e as Error).message ?? 'no answer';
  }
}

/** Names and addresses of a machine's own loopback: localhost, *.localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
