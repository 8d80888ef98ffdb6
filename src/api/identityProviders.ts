import { z } from 'zod';
import { description, displayName, isoDate } from './common';

export const IdentityProviderKind = z.enum(['built-in', 'external']);

/** An organization's identity provider: its built-in one, or an external OIDC / OAuth 2.0 provider registered
 * from its Well-Known URL. `environments` is "all" or the handles of the environments it applies to. */
export const IdentityProvider = z.object({
  id: z.string(),
  orgHandle: z.string(),
  kind: IdentityProviderKind,
  name: z.string(),
  description: z.string(),
  wellKnownUrl: z.string().optional(),
  issuer: z.string(),
  tokenEndpoint: z.string(),
  jwksUri: z.string(),
  environments: z.union([z.literal('all'), z.array(z.string())]),
  createdAt: isoDate,
  refreshedAt: isoDate.optional(),
});
export type IdentityProvider = z.infer<typeof IdentityProvider>;

export const CreateIdentityProvider = z.strictObject({
  name: displayName,
  description: description.default(''),
  wellKnownUrl: z.url({ protocol: /^https?$/, error: 'Enter the provider\'s Well-Known URL (…/.well-known/openid-configuration).' }),
  environments: z.union([z.literal('all'), z.array(z.string()).min(1)]).default('all'),
});
export type CreateIdentityProvider = z.input<typeof CreateIdentityProvider>;

/** The part of an OIDC discovery document the control plane keeps. */
export const DiscoveryDocument = z.looseObject({
  issuer: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
export type DiscoveryDocument = z.infer<typeof DiscoveryDocument>;
