/**
 * Team members: who may do what in an organization (roles), members and invitations, personal access tokens,
 * the audit log, and how a client signs a person in (`GET /api/v1/sign-in`). Shared by the server, which validates
 * requests with these schemas, and the extension, which validates answers with them.
 */
import { z } from 'zod';
import { displayName, isoDate } from './common';
import { ROLES } from './roles';

export { ROLE_NAMES, ROLES, roleAtLeast } from './roles';
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** How a client signs a person in with the team's identity provider (RFC 8628 device authorization grant). */
export const SignInInfo = z.object({
  issuer: z.url(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  deviceAuthorizationEndpoint: z.url(),
  tokenEndpoint: z.url(),
  revocationEndpoint: z.url().optional(),
  /** RFC 8707 resource to ask tokens for, when the server was given an audience. */
  resource: z.string().optional(),
});
export type SignInInfo = z.infer<typeof SignInInfo>;

export const User = z.object({
  id: z.string(),
  subject: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
});
export type User = z.infer<typeof User>;

/** Who is calling: the operator's admin token, a signed-in person, or a person's access token. */
export const Me = z.object({
  kind: z.enum(['admin', 'user', 'token']),
  user: User.optional(),
  /** The organizations the caller belongs to, with the role that counts for this caller (a token's role is capped). */
  memberships: z.array(z.object({ orgHandle: z.string(), role: Role })),
});
export type Me = z.infer<typeof Me>;

export const Member = z.object({
  id: z.string(),
  orgHandle: z.string(),
  role: Role,
  /** Pending until the invited person first signs in. */
  status: z.enum(['active', 'pending']),
  user: User.optional(),
  invitedEmail: z.string().optional(),
  invitedSubject: z.string().optional(),
  createdAt: isoDate,
});
export type Member = z.infer<typeof Member>;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'Enter an email address such as ann@example.com.');
const subject = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'A subject has no spaces or control characters.');

export const InviteMember = z
  .strictObject({ email: email.optional(), subject: subject.optional(), role: Role })
  .refine((m) => (m.email === undefined) !== (m.subject === undefined), { error: 'Give either an email or a subject.', path: ['email'] });
export type InviteMember = z.input<typeof InviteMember>;

export const UpdateMember = z.strictObject({ role: Role });
export type UpdateMember = z.infer<typeof UpdateMember>;

export const MAX_TOKEN_DAYS = 90;

export const PersonalAccessToken = z.object({
  id: z.string(),
  name: z.string(),
  orgHandle: z.string(),
  role: Role,
  createdAt: isoDate,
  expiresAt: isoDate,
  lastUsedAt: isoDate.optional(),
});
export type PersonalAccessToken = z.infer<typeof PersonalAccessToken>;

export const CreatePersonalAccessToken = z.strictObject({
  name: displayName,
  orgHandle: z.string().min(1),
  role: Role,
  expiresInDays: z.number().int().min(1, 'A token lives at least one day.').max(MAX_TOKEN_DAYS, `A token lives at most ${MAX_TOKEN_DAYS} days.`),
});
export type CreatePersonalAccessToken = z.infer<typeof CreatePersonalAccessToken>;

/** The token is in this answer only; the server keeps its hash. */
export const IssuedPersonalAccessToken = z.object({ token: PersonalAccessToken, secret: z.string() });
export type IssuedPersonalAccessToken = z.infer<typeof IssuedPersonalAccessToken>;

export const AuditEntry = z.object({
  id: z.string(),
  at: isoDate,
  actor: z.object({
    kind: z.enum(['admin', 'user', 'token']),
    userId: z.string().optional(),
    /** The display name the identity provider sent (anyone may choose theirs): read it with subject and issuer. */
    name: z.string(),
    tokenId: z.string().optional(),
    /** The person's stable account at the identity provider (`sub`, `iss`). */
    subject: z.string().optional(),
    issuer: z.string().optional(),
  }),
  /** The organization's id: the operator reads a deleted organization's log by it. */
  orgId: z.string(),
  /** The route, e.g. "POST /orgs/:org/projects". */
  action: z.string(),
  /** The path called: handles and names only, never a body. */
  resource: z.string(),
  address: z.string(),
  status: z.number().int(),
  result: z.enum(['succeeded', 'refused', 'failed']),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
