/** Per control plane (one per server; tests run several in a process): the caches the gateway shares with the
 * modules that change what it trusts. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlPlaneContext } from '../context';
import { JwksRegistry } from './jwks';

export interface GatewayState {
  jwks: JwksRegistry;
  /** Set by the gateway module: takes a call to a URL under /gw/ before the router (the server's hot path), or
   * returns false to leave it to the router. */
  dispatch?: (req: IncomingMessage, res: ServerResponse, url: string) => boolean;
}

const states = new WeakMap<ControlPlaneContext, GatewayState>();

export function gatewayState(ctx: ControlPlaneContext): GatewayState {
  let state = states.get(ctx);
  if (!state) {
    state = { jwks: new JwksRegistry({ outbound: ctx.outbound }) };
    states.set(ctx, state);
  }
  return state;
}
