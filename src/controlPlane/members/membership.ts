/** Who belongs to an organization with which role: sign-in (which turns invitations into memberships), the role a
 * principal has, invitations, role changes and removals, with the rule that an organization keeps an Admin. */
import { randomUUID } from 'node:crypto';
import { ROLE_NAMES, ROLES, type InviteMember, type Member, type Role, type User } from '../../api/members';
import type { OrganizationRecord } from '../domain/records';
import type { Principal } from '../http/auth';
import { conflict, notFound } from '../http/errors';
import type { Store, WriteOp } from '../store/store';
import { UniqueViolation } from '../store/store';
import { M, MemberRecord, PersonalAccessTokenRecord, subjectKey, UserRecord } from './records';
import type { PersonClaims } from './usersIdp';
import { invitationAccepted } from './audit';

export const lowerRole = (a: Role, b: Role): Role => (ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b);

/** The user a verified token names, made on first sign-in; an invitation by subject or verified email becomes a
 * membership then (and when the verified email changes). */
export async function signedIn(store: Store, claims: PersonClaims, address = ''): Promise<UserRecord> {
  const key = subjectKey(claims.issuer, claims.subject);
  const existing = await store.findUnique<UserRecord>(M.users, 'subject', key);
  const same = existing && existing.name === claims.name && existing.email === claims.email && existing.emailVerified === claims.emailVerified;
  if (existing && same) return existing;
  const now = new Date().toISOString();
  const user: UserRecord = {
    id: existing?.id ?? randomUUID(),
    issuer: claims.issuer,
    subject: claims.subject,
    name: claims.name,
    email: claims.email,
    emailVerified: claims.emailVerified,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const invitations = [...(await store.findAll<MemberRecord>(M.members, 'invitation', `subject:${claims.subject}`))];
  if (claims.email && claims.emailVerified) invitations.push(...(await store.findAll<MemberRecord>(M.members, 'invitation', `email:${claims.email}`)));
  const already = new Set((await store.findAll<MemberRecord>(M.members, 'user', user.id)).map((m) => m.orgId));
  const ops: WriteOp[] = [{ op: 'put', collection: M.users, record: user }];
  for (const invitation of invitations) {
    if (already.has(invitation.orgId)) ops.push({ op: 'delete', collection: M.members, id: invitation.id });
    else {
      already.add(invitation.orgId);
      const member: MemberRecord = { ...invitation, userId: user.id, updatedAt: now };
      ops.push({ op: 'put', collection: M.members, record: member });
      const principal: Principal = { kind: 'user', id: user.id, name: personName(user), account: { subject: user.subject, issuer: user.issuer } };
      ops.push({ op: 'put', collection: M.audit, record: invitationAccepted(member, principal, address) });
    }
  }
  try {
    await store.write(ops);
  } catch (err) {
    // Two first requests of one person at once: the other one made the user.
    if (err instanceof UniqueViolation && err.collection === M.users) return (await store.findUnique<UserRecord>(M.users, 'subject', key))!;
    throw err;
  }
  return user;
}

export async function membershipOf(store: Store, orgId: string, userId: string): Promise<MemberRecord | undefined> {
  return store.findUnique<MemberRecord>(M.members, 'user', `${orgId}/${userId}`);
}

/** The role that counts for this principal in the organization, or undefined for someone outside it. A token's role
 * is its own capped by its owner's role now, so a demoted or removed person's tokens lose what they lost. */
export async function roleOf(store: Store, principal: Principal, orgId: string): Promise<Role | undefined> {
  if (principal.kind === 'admin') return 'admin';
  if (principal.kind === 'token' && principal.token!.orgId !== orgId) return undefined;
  const member = await membershipOf(store, orgId, principal.id);
  if (!member) return undefined;
  return principal.kind === 'token' ? lowerRole(member.role, principal.token!.role) : member.role;
}

export async function membersOf(store: Store, orgId: string): Promise<MemberRecord[]> {
  return store.findAll<MemberRecord>(M.members, 'org', orgId);
}

/** "Ann Admin <ann@example.com>, Bob" — who to ask for a role. */
export async function adminNames(store: Store, orgId: string): Promise<string> {
  const admins = (await membersOf(store, orgId)).filter((m) => m.userId && m.role === 'admin');
  const users = await Promise.all(admins.map((m) => store.get<UserRecord>(M.users, m.userId!)));
  const names = users.filter((u): u is UserRecord => u !== undefined).map(personName);
  return names.length ? names.sort().join(', ') : 'none yet (the operator of this server can add one with the admin token)';
}

export const personName = (u: Pick<UserRecord, 'name' | 'email' | 'subject'>) =>
  u.name && u.email ? `${u.name} <${u.email}>` : (u.name ?? u.email ?? u.subject);

export const userView = (u: UserRecord): User => ({
  id: u.id,
  subject: u.subject,
  ...(u.name ? { name: u.name } : {}),
  ...(u.email ? { email: u.email } : {}),
});

export async function memberView(store: Store, m: MemberRecord): Promise<Member> {
  const user = m.userId ? await store.get<UserRecord>(M.users, m.userId) : undefined;
  const view: Member = { id: m.id, orgHandle: m.orgHandle, role: m.role, status: m.userId ? 'active' : 'pending', createdAt: m.createdAt };
  if (user) view.user = userView(user);
  if (m.invitedEmail) view.invitedEmail = m.invitedEmail;
  if (m.invitedSubject) view.invitedSubject = m.invitedSubject;
  return view;
}

/** The creator of an organization becomes its Admin, in the write that creates it. */
export function creatorMembership(principal: Principal | undefined, org: OrganizationRecord): WriteOp[] {
  if (principal?.kind !== 'user') return [];
  const now = org.createdAt;
  const record: MemberRecord = {
    id: randomUUID(),
    orgId: org.id,
    orgHandle: org.handle,
    role: 'admin',
    userId: principal.id,
    invitedBy: principal.id,
    createdAt: now,
    updatedAt: now,
  };
  return [{ op: 'put', collection: M.members, record }];
}

/** Invites by email or subject; someone who has signed in before is a member at once. */
export async function invite(store: Store, org: OrganizationRecord, input: InviteMember, by: Principal): Promise<MemberRecord> {
  let user: UserRecord | undefined;
  if (input.subject !== undefined) {
    user = (await store.findAll<UserRecord>(M.users, 'bySubject', input.subject))[0];
  } else {
    const found = await store.findAll<UserRecord>(M.users, 'email', input.email!);
    if (found.length === 1) user = found[0];
  }
  const now = new Date().toISOString();
  const record: MemberRecord = { id: randomUUID(), orgId: org.id, orgHandle: org.handle, role: input.role, invitedBy: by.id, createdAt: now, updatedAt: now };
  if (user) record.userId = user.id;
  if (input.email !== undefined) record.invitedEmail = input.email;
  else record.invitedSubject = input.subject;
  try {
    await store.write([
      { op: 'require', collection: 'organizations', id: org.id },
      { op: 'put', collection: M.members, record },
    ]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw conflict(`${input.email ?? input.subject} is already a member of "${org.handle}" or invited to it.`);
    throw err;
  }
  return record;
}

// Checking "another Admin remains" and writing must not interleave with another change in the same organization.
const orgQueues = new Map<string, Promise<unknown>>();
async function serialized<T>(orgId: string, work: () => Promise<T>): Promise<T> {
  const before = orgQueues.get(orgId) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  orgQueues.set(orgId, settled);
  void settled.then(() => orgQueues.get(orgId) === settled && orgQueues.delete(orgId));
  return run;
}

async function findMember(store: Store, org: OrganizationRecord, id: string): Promise<MemberRecord> {
  const m = await store.get<MemberRecord>(M.members, id);
  if (!m || m.orgId !== org.id) throw notFound(`Organization "${org.handle}" has no member "${id}".`);
  return m;
}

async function requireAnotherAdmin(store: Store, org: OrganizationRecord, leaving: MemberRecord, what: string): Promise<void> {
  if (!leaving.userId || leaving.role !== 'admin') return;
  const others = (await membersOf(store, org.id)).filter((m) => m.id !== leaving.id && m.userId && m.role === 'admin');
  if (others.length === 0) throw conflict(`This is the last Admin of "${org.handle}", who cannot ${what}. Make another member ${ROLE_NAMES.admin} first.`);
}

export function changeRole(store: Store, org: OrganizationRecord, id: string, role: Role): Promise<MemberRecord> {
  return serialized(org.id, async () => {
    const member = await findMember(store, org, id);
    if (role !== 'admin') await requireAnotherAdmin(store, org, member, 'be given another role');
    const updated: MemberRecord = { ...member, role, updatedAt: new Date().toISOString() };
    await store.write([{ op: 'put', collection: M.members, record: updated }]);
    return updated;
  });
}

/** Removes a member (or an invitation), with the person's tokens for this organization. */
export function remove(store: Store, org: OrganizationRecord, id: string, what = 'be removed'): Promise<void> {
  return serialized(org.id, async () => {
    const member = await findMember(store, org, id);
    await requireAnotherAdmin(store, org, member, what);
    const ops: WriteOp[] = [{ op: 'delete', collection: M.members, id: member.id }];
    if (member.userId) {
      const tokens = await store.findAll<PersonalAccessTokenRecord>(M.tokens, 'user', member.userId);
      for (const t of tokens) if (t.orgId === org.id) ops.push({ op: 'delete', collection: M.tokens, id: t.id });
    }
    await store.write(ops);
  });
}
