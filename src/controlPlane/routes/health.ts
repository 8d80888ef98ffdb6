import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import type { Router } from '../http/router';
import { CONTROL_PLANE_VERSION } from '../version';

/** 200 also when degraded: a replica whose database is away still serves the token endpoint and gateway for known
 * clients, so a load balancer should keep it; `reason` says what is wrong. */
export const health: ControlPlaneModule = {
  register(router: Router, { store }: ControlPlaneContext) {
    router.public('GET', '/healthz', () => ({ status: 200, body: { ...store.health(), version: CONTROL_PLANE_VERSION } }));
  },
};
