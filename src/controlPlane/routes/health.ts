import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import type { Router } from '../http/router';
import { CONTROL_PLANE_VERSION } from '../version';

/** A challenge is a fresh random nonce of the caller's, base64url. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;

/** 200 also when degraded: a replica whose database is away still serves the token endpoint and gateway for known
 * clients, so a load balancer should keep it; `reason` says what is wrong. */
export const health: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    // With ?challenge=…, the answer proves this server holds its data folder's admin token (src/api/identityProof.ts).
    router.public('GET', '/healthz', ({ query }) => {
      const body: Record<string, unknown> = { ...ctx.store.health(), version: CONTROL_PLANE_VERSION };
      const proof = typeof query.challenge === 'string' && CHALLENGE.test(query.challenge) ? ctx.proveIdentity?.(query.challenge) : undefined;
      if (proof) body.proof = proof;
      return { status: 200, body };
    });
  },
};
