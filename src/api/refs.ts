/**
 * What a form's panel is about, by handle, as the API's paths name it (`/orgs/{orgHandle}/projects/{projectHandle}/
 * components/{componentName}`): the refs the webview protocols carry and a restored panel is checked with. Panel
 * keys and titles read like the product.
 */
import { z } from 'zod';
import { dnsLabel } from './common';

export const OrgRef = z.strictObject({ orgHandle: dnsLabel });
export type OrgRef = z.infer<typeof OrgRef>;

export const ProjectRef = OrgRef.extend({ projectHandle: dnsLabel });
export type ProjectRef = z.infer<typeof ProjectRef>;

export const ComponentRef = ProjectRef.extend({ componentName: dnsLabel });
export type ComponentRef = z.infer<typeof ComponentRef>;

/** One environment of an external consumer (its Configure page). */
export const EnvironmentRef = ComponentRef.extend({ environment: dnsLabel });
export type EnvironmentRef = z.infer<typeof EnvironmentRef>;

/** A member of an organization (or one invited), by the member's id. */
export const MemberRef = OrgRef.extend({ memberId: z.string().max(100).min(1) });
export type MemberRef = z.infer<typeof MemberRef>;

/** An identity provider of an organization, by its id. */
export const IdentityProviderRef = OrgRef.extend({ identityProviderId: z.string().max(100).min(1) });
export type IdentityProviderRef = z.infer<typeof IdentityProviderRef>;

/**
 * The handles of a ref, checked with its schema, out of a value that may carry more (a tree row's or a use case's
 * target is its resource's ref plus what the server said about it).
 */
export function refIn<S extends z.ZodObject>(ref: S, value: z.input<S>): z.output<S> {
  return z.object(ref.shape).parse(value) as z.output<S>;
}

/** The built-in identity provider's test users in one environment of an organization (its Users row). */
export const TestUsersRef = OrgRef.extend({ environment: dnsLabel });
export type TestUsersRef = z.infer<typeof TestUsersRef>;
