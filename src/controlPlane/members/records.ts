/** What team membership stores: people, their memberships and invitations, their personal access tokens, and the
 * audit log. Plain collections of the Store interface, so the file store and the PostgreSQL store both hold them
 * (each declared once, see store/collection.ts). */
import type { Role } from '../../api/members';
import { bool, collection, int, json, optional, text, time, uuid, type DeclaredCollection, type StoredAs } from '../store/collection';

export const M = {
  users: 'users',
  members: 'members',
  tokens: 'personalAccessTokens',
  audit: 'auditLog',
} as const;

export const subjectKey = (issuer: string, subject: string) => `${issuer} ${subject}`;
export const inviteKey = (m: { invitedEmail?: string; invitedSubject?: string }) =>
  m.invitedEmail !== undefined ? `email:${m.invitedEmail}` : `subject:${m.invitedSubject}`;

/** A person who has signed in with the team's identity provider at least once. */
const users = collection({
  name: M.users,
  fields: {
    issuer: text(),
    subject: text(),
    name: optional(text()),
    email: optional(text()),
    emailVerified: bool(),
    createdAt: time(),
    updatedAt: time(),
  },
  computed: {
    subjectKey: (r) => subjectKey(r.issuer, r.subject),
    // Only an email the provider says is verified may claim an invitation.
    emailKey: (r) => (r.emailVerified && r.email ? r.email.toLowerCase() : ''),
  },
  unique: { subject: ['subjectKey'] },
  lookup: {
    email: ['emailKey'],
    // Invitations name a subject without the issuer: the server has one users identity provider.
    bySubject: ['subject'],
  },
});
export type UserRecord = StoredAs<typeof users>;

/** A membership (userId set) or an invitation pending until that person first signs in (no userId). */
const members = collection({
  name: M.members,
  fields: {
    orgId: uuid(),
    orgHandle: text(),
    role: text<Role>(),
    userId: optional(uuid()),
    invitedEmail: optional(text()),
    invitedSubject: optional(text()),
    /** The principal that invited (user id, or "admin"). */
    invitedBy: text(),
    createdAt: time(),
    updatedAt: time(),
  },
  // '' for a membership: its invitation was taken.
  computed: { invitationKey: (r) => (r.userId ? '' : inviteKey(r)) },
  unique: {
    user: { parts: ['orgId', 'userId'], only: { field: 'userId', present: true } },
    invitation: { parts: ['orgId', 'invitationKey'], only: { field: 'userId', present: false } },
  },
  lookup: { org: ['orgId'], user: ['userId'], invitation: ['invitationKey'] },
});
export type MemberRecord = StoredAs<typeof members>;

const personalAccessTokens = collection({
  name: M.tokens,
  fields: {
    userId: uuid(),
    orgId: uuid(),
    orgHandle: text(),
    name: text(),
    role: text<Role>(),
    /** SHA-256 of the token, hex; the token itself is shown once and never stored. */
    hash: text(),
    createdAt: time(),
    expiresAt: time(),
    lastUsedAt: optional(time()),
  },
  unique: { hash: ['hash'] },
  lookup: { user: ['userId'], org: ['orgId'] },
});
export type PersonalAccessTokenRecord = StoredAs<typeof personalAccessTokens>;

const auditLog = collection({
  name: M.audit,
  fields: {
    /** '' for a write under no organization (text, not uuid, in the table). */
    orgId: text(),
    /** Sorts newest first (see audit.ts). */
    sortKey: text(),
    at: time(),
    /** `subject` and `issuer`: the person's account at the identity provider (issue 22, row 8); absent in records
     * written before they were kept, and for the operator. */
    actor: json<{ kind: 'admin' | 'user' | 'token'; userId?: string; name: string; tokenId?: string; subject?: string; issuer?: string }>(),
    action: text(),
    resource: text(),
    address: text(),
    status: int(),
  },
  ordered: { group: 'orgId', sort: 'sortKey' },
});
export type AuditRecord = StoredAs<typeof auditLog>;

export const memberCollections: DeclaredCollection[] = [users, members, personalAccessTokens, auditLog];
