/** Rotation of the built-in identity provider's signing key (also `rotate-keys` on the command line). */
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import type { Router } from '../http/router';

export const signingKeys: ControlPlaneModule = {
  register(router: Router, { signingKeys: keys }: ControlPlaneContext) {
    router.api('POST', '/signing-keys/rotate', async () => ({ status: 200, body: { kid: await keys.rotate() } }));
  },
};
