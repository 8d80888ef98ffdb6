import type { ControlPlaneModule } from '../context';
import type { Router } from '../http/router';
import { CONTROL_PLANE_VERSION } from '../version';

export const health: ControlPlaneModule = {
  register(router: Router) {
    router.public('GET', '/healthz', () => ({ status: 200, body: { status: 'ok', version: CONTROL_PLANE_VERSION } }));
  },
};
