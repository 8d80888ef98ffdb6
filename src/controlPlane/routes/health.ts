import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import type { Router } from '../http/router';
import { CONTROL_PLANE_VERSION } from '../version';

/** A challenge is a fresh random nonce of the caller's, base64url. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;

export const health: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    // With ?challenge=…, the answer proves this server holds its data folder's admin token (src/api/identityProof.ts).
    router.public('GET', '/healthz', ({ query }) => {
      const body: { status: string; version: string; proof?: string } = { status: 'ok', version: CONTROL_PLANE_VERSION };
      if (typeof query.challenge === 'string' && CHALLENGE.test(query.challenge)) body.proof = ctx.proveIdentity(query.challenge);
      return { status: 200, body };
    });
  },
};
