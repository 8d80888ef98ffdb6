/** The built-in identity provider's public documents: OIDC discovery and JWKS, one issuer per organization.
 * (Its token endpoint is served before the router: see idp/tokenEndpoint.ts; the rest of the authorization server
 * is idp/authorizationServer.ts.) */
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findOrg } from '../domain/lookups';
import type { Router } from '../http/router';
import { authorizationServer } from '../idp/authorizationServer';

export const oauth2: ControlPlaneModule = {
  register(router: Router, ctx: ControlPlaneContext) {
    const { store, signingKeys } = ctx;
    router.public('GET', '/oauth2/:org/.well-known/openid-configuration', async ({ params }) => {
      const org = await findOrg(store, params.org);
      return { status: 200, headers: { 'cache-control': 'public, max-age=300' }, body: authorizationServer(ctx).discovery(org.handle) };
    });

    router.public('GET', '/oauth2/:org/jwks', async ({ params }) => {
      await findOrg(store, params.org);
      return {
        status: 200,
        // Short caching: after a rotation, verifiers should see the new key soon.
        headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' },
        body: signingKeys.jwks(),
      };
    });
  },
};
