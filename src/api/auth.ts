import { z } from 'zod';
import { isoDate } from './common';
import { KeySettings } from './keySettings';

/** How an external consumer authenticates in one environment. Absent means "Not configured". */
export const AuthConfiguration = z.object({
  componentId: z.string(),
  environment: z.string(),
  identityProviderId: z.string(),
  identityProviderKind: z.enum(['built-in', 'external']),
  identityProviderName: z.string(),
  clientId: z.string(),
  /** True when the built-in provider holds a secret for this client (only its hash is stored). */
  hasSecret: z.boolean(),
  /** When the secret was last regenerated: the gateway refuses every token of this client issued before then. */
  secretRegeneratedAt: isoDate.optional(),
  tokenUrl: z.string(),
  /** The built-in provider's key settings (grant types, callback URLs, public client, PKCE, expiry times); absent for
   * an external provider's keys and from servers before issue 24 (read as DEFAULT_KEY_SETTINGS). */
  keySettings: KeySettings.optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type AuthConfiguration = z.infer<typeof AuthConfiguration>;

/** Generate Keys and Regenerate Secret answer with the secret, once. The server keeps only its hash. */
export const IssuedKeys = z.object({
  authConfiguration: AuthConfiguration,
  clientSecret: z.string(),
});
export type IssuedKeys = z.infer<typeof IssuedKeys>;

/** Add Keys with an external provider: the Client ID of the app the user made there. No secret. */
export const AddExternalKeys = z.strictObject({
  identityProviderId: z.string().min(1, 'Pick an identity provider.'),
  clientId: z
    .string()
    .trim()
    .min(1, 'Paste the Client ID of the app in your identity provider.')
    .max(255, 'A Client ID has at most 255 characters.')
    .regex(/^[\x21-\x7e]+$/, 'A Client ID has no spaces or control characters.'),
});
export type AddExternalKeys = z.input<typeof AddExternalKeys>;
