/**
 * Which Host header values the control plane answers: the names and addresses of loopback (localhost, *.localhost,
 * 127.0.0.0/8, [::1]) and the host of its own base URL (the public URL of a team server, or the address it listens
 * on). Anything else is a request meant for another server, or a web page that made its own name resolve to this
 * machine (DNS rebinding) to read the answers across origins: both get 421 before any route runs.
 * The port is not compared: a name of ours on another port (a port forward, a proxy) is still ours.
 */
export class HostCheck {
  private readonly own: string;
  /** The last value that passed: clients send the same Host call after call. */
  private lastPassed = '';

  constructor(baseUrl: string) {
    this.own = new URL(baseUrl).hostname.toLowerCase();
  }

  /** Whether a request with this Host header is answered (undefined: none sent, as HTTP/1.0 clients may). */
  allows(host: string | undefined): boolean {
    if (host === undefined || host === this.lastPassed) return true;
    const name = hostnameOf(host).toLowerCase();
    const ok = name === this.own || name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
    if (ok) this.lastPassed = host;
    return ok;
  }
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
