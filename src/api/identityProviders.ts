import { z } from 'zod';
import { description, displayName, isoDate, ResourceUse } from './common';

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
  /** External providers: the audiences (`aud`) their access tokens must carry one of. Empty: the gateway's own
   * audience, `{base}/gw`, the one the built-in provider's tokens carry (ask the provider for tokens for that resource). */
  audiences: z.array(z.string()).optional(),
  createdAt: isoDate,
  refreshedAt: isoDate.optional(),
  /** The external consumers whose keys in an environment come from this provider (external providers; the
   * built-in one's are the consumers with Generate Keys). Each names `environment`. */
  usedBy: z.array(ResourceUse).optional(),
});
export type IdentityProvider = z.infer<typeof IdentityProvider>;

/** What a refresh (re-reading the Well-Known URL and the JWKS) found different from before. */
export const IdentityProviderChange = z.object({
  field: z.enum(['issuer', 'tokenEndpoint', 'jwksUri', 'signingKeys']),
  /** For `signingKeys`: the key IDs (`kid`) joined with ", ". */
  before: z.string(),
  after: z.string(),
});
export type IdentityProviderChange = z.infer<typeof IdentityProviderChange>;

/** Answer of POST …/identity-providers/:idp/refresh: the provider as it is now, and what changed (empty: nothing). */
export const RefreshedIdentityProvider = z.object({
  provider: IdentityProvider,
  changes: z.array(IdentityProviderChange),
});
export type RefreshedIdentityProvider = z.infer<typeof RefreshedIdentityProvider>;

/** The `aud` values an external provider's access tokens may carry (issue 14). */
function audiences() {
  return z
    .array(
      z
        .string()
        .trim()
        .min(1, 'An audience is a non-empty string, such as the API identifier set in the provider.')
        .max(512, 'An audience has at most 512 characters.')
        .regex(/^[\x21-\x7e]+$/, 'An audience has no spaces or control characters.'),
    )
    .max(20, 'Give at most 20 audiences.');
}

export const CreateIdentityProvider = z.strictObject({
  name: displayName,
  description: description.default(''),
  wellKnownUrl: z.url({ protocol: /^https?$/, error: "Enter the provider's Well-Known URL (…/.well-known/openid-configuration)." }),
  environments: z.union([z.literal('all'), z.array(z.string()).min(1)]).default('all'),
  /** The audiences the provider's access tokens must carry one of; empty or absent: this gateway's own, `{base}/gw`. */
  audiences: audiences().default([]),
});
export type CreateIdentityProvider = z.input<typeof CreateIdentityProvider>;

/** What can change on a registered external provider without registering it again. */
export const UpdateIdentityProvider = z.strictObject({
  audiences: audiences(),
});
export type UpdateIdentityProvider = z.input<typeof UpdateIdentityProvider>;

/** The part of an OIDC discovery document the control plane keeps. */
export const DiscoveryDocument = z.looseObject({
  issuer: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
export type DiscoveryDocument = z.infer<typeof DiscoveryDocument>;
