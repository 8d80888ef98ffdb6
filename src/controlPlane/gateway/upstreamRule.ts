/**
 * Whether a service's upstream URL may be saved: the server's outbound rule (../http/addressRule.ts), checked when the
 * URL is saved so the person setting it learns at once; the gateway checks again on the address each connection goes
 * to (upstream/connector.ts), since DNS can change after the URL was saved.
 */
import type { ControlPlaneContext } from '../context';
import { OutboundRefused, resolvePublic } from '../http/addressRule';
import { SAMPLE_UPSTREAM_PATH } from '../sampleService/module';

/** Why the URL cannot be an upstream here (a sentence naming the rule and the flag), or undefined when it can. */
export async function upstreamProblem(ctx: Pick<ControlPlaneContext, 'baseUrl' | 'outbound' | 'sampleService'>, raw: string): Promise<string | undefined> {
  // Compared as parsed URLs, not strings: case, the default port and dot segments spell the same server.
  const url = new URL(raw);
  const own = new URL(ctx.baseUrl);
  const ownPath = own.pathname.replace(/\/+$/, '');
  if (url.origin === own.origin && (url.pathname === ownPath || url.pathname.startsWith(`${ownPath}/`))) {
    // This control plane itself: only its sample service's upstream, which the gateway answers in process.
    const path = url.pathname.slice(ownPath.length).replace(/\/+$/, '');
    if (ctx.sampleService && path === SAMPLE_UPSTREAM_PATH) return undefined;
    return `${raw} is this control plane's own URL; the gateway does not call itself. Give the URL where the service runs.`;
  }
  if (!ctx.outbound.publicOnly) return undefined;
  try {
    await resolvePublic(url.hostname, ctx.outbound);
  } catch (err) {
    if (err instanceof OutboundRefused) return err.message;
    // A name that does not resolve (yet) is no refusal: the service need not be up when its URL is set, and the
    // gateway judges the address it resolves to when it connects.
  }
  return undefined;
}
