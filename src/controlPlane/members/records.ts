/** What team membership stores: people, their memberships and invitations, their personal access tokens, and the
 * audit log. Plain collections of the Store interface, so the file store and the PostgreSQL store both hold them. */
import type { Role } from '../../api/members';
import type { CollectionSpec } from '../store/store';

/** A person who has signed in with the team's identity provider at least once. */
export interface UserRecord {
  id: string;
  issuer: string;
  subject: string;
  name?: string;
  email?: string;
  emailVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A membership (userId set) or an invitation pending until that person first signs in (no userId). */
export interface MemberRecord {
  id: string;
  orgId: string;
  orgHandle: string;
  role: Role;
  userId?: string;
  invitedEmail?: string;
  invitedSubject?: string;
  /** The principal that invited (user id, or "admin"). */
  invitedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface PersonalAccessTokenRecord {
  id: string;
  userId: string;
  orgId: string;
  orgHandle: string;
  name: string;
  role: Role;
  /** SHA-256 of the token, hex; the token itself is shown once and never stored. */
  hash: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
}

export interface AuditRecord {
  id: string;
  orgId: string;
  /** Sorts newest first (see audit.ts). */
  sortKey: string;
  at: string;
  /** `subject` and `issuer`: the person's account at the identity provider (issue 22, row 8); absent in records
   * written before they were kept, and for the operator. */
  actor: { kind: 'admin' | 'user' | 'token'; userId?: string; name: string; tokenId?: string; subject?: string; issuer?: string };
  action: string;
  resource: string;
  address: string;
  status: number;
}

export const M = {
  users: 'users',
  members: 'members',
  tokens: 'personalAccessTokens',
  audit: 'auditLog',
} as const;

export const subjectKey = (issuer: string, subject: string) => `${issuer} ${subject}`;
export const inviteKey = (m: Pick<MemberRecord, 'invitedEmail' | 'invitedSubject'>) =>
  m.invitedEmail !== undefined ? `email:${m.invitedEmail}` : `subject:${m.invitedSubject}`;

export const memberCollections: CollectionSpec<any>[] = [
  {
    name: M.users,
    unique: { subject: (r: UserRecord) => subjectKey(r.issuer, r.subject) },
    // Only an email the provider says is verified may claim an invitation.
    lookup: {
      email: (r: UserRecord) => (r.emailVerified && r.email ? r.email.toLowerCase() : ''),
      // Invitations name a subject without the issuer: the server has one users identity provider.
      bySubject: (r: UserRecord) => r.subject,
    },
  } satisfies CollectionSpec<UserRecord>,
  {
    name: M.members,
    unique: {
      user: (r: MemberRecord) => (r.userId ? `${r.orgId}/${r.userId}` : undefined),
      invitation: (r: MemberRecord) => (r.userId ? undefined : `${r.orgId}/${inviteKey(r)}`),
    },
    lookup: {
      org: (r: MemberRecord) => r.orgId,
      user: (r: MemberRecord) => r.userId ?? '',
      invitation: (r: MemberRecord) => (r.userId ? '' : inviteKey(r)),
    },
  } satisfies CollectionSpec<MemberRecord>,
  {
    name: M.tokens,
    unique: { hash: (r: PersonalAccessTokenRecord) => r.hash },
    lookup: { user: (r: PersonalAccessTokenRecord) => r.userId, org: (r: PersonalAccessTokenRecord) => r.orgId },
  } satisfies CollectionSpec<PersonalAccessTokenRecord>,
  {
    name: M.audit,
    ordered: { group: (r: AuditRecord) => r.orgId, sort: (r: AuditRecord) => r.sortKey },
  } satisfies CollectionSpec<AuditRecord>,
];
