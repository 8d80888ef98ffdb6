/** The built-in identity provider's public documents: OIDC discovery and JWKS, one issuer per organization.
 * (Its token endpoint is served before the router: see idp/tokenEndpoint.ts.) */
import { issuerUrl, tokenUrl } from '../../api/routes';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findOrg } from '../domain/lookups';
import type { Router } from '../http/router';
import { DEFAULT_SCOPE } from '../idp/tokenEndpoint';

export const oauth2: ControlPlaneModule = {
  register(router: Router, { store, baseUrl, signingKeys }: ControlPlaneContext) {
    router.public('GET', '/oauth2/:org/.well-known/openid-configuration', async ({ params }) => {
      const org = await findOrg(store, params.org);
      const issuer = issuerUrl(baseUrl, org.handle);
      return {
        status: 200,
        headers: { 'cache-control': 'public, max-age=300' },
        body: {
          issuer,
          token_endpoint: tokenUrl(baseUrl, org.handle),
          jwks_uri: `${issuer}/jwks`,
          grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          response_types_supported: ['token'],
          scopes_supported: [DEFAULT_SCOPE],
          // RFC 9068 access tokens are signed with these.
          access_token_signing_alg_values_supported: ['ES256'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
        },
      };
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
