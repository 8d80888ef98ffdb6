/** Team members' routes: how to sign in, who am I, members and invitations, personal access tokens, the audit log. */
import { z } from 'zod';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../api/common';
import { CreatePersonalAccessToken, InviteMember, UpdateMember, type Me } from '../../api/members';
import { API_PREFIX } from '../../api/routes';
import type { ControlPlaneContext, ControlPlaneModule } from '../context';
import { findOrg } from '../domain/lookups';
import { listPage } from '../domain/paging';
import { C, type OrganizationRecord } from '../domain/records';
import type { Principal } from '../http/auth';
import { parseQuery, readJson } from '../http/body';
import { notFound } from '../http/errors';
import type { Router } from '../http/router';
import type { Store } from '../store/store';
import { auditUnder } from './access';
import { auditView } from './audit';
import { changeRole, invite, memberView, membersOf, membershipOf, remove, roleOf, userView } from './membership';
import { createToken, tokenView } from './personalTokens';
import { M, memberCollections, type AuditRecord, type MemberRecord, type PersonalAccessTokenRecord, type UserRecord } from './records';

const OperatorAuditQuery = z.strictObject({
  org: z.string().min(1).max(256),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(512).optional(),
});

const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(512).optional(),
});

export const members: ControlPlaneModule = {
  collections: memberCollections,
  register(router: Router, { store, cascade, usersIdp }: ControlPlaneContext) {
    router.public('GET', `${API_PREFIX}/sign-in`, async () => {
      if (!usersIdp) {
        throw notFound('This control plane signs no one in (it was started without --users-idp): use its admin token or a personal access token.');
      }
      return { status: 200, body: await usersIdp.signInInfo() };
    });

    router.api('GET', '/me', async ({ principal }) => ({ status: 200, body: await me(store, principal!) }));

    router.api('GET', '/orgs/:org/members', async ({ params }) => {
      const org = await findOrg(store, params.org);
      const items = await Promise.all((await membersOf(store, org.id)).map((m) => memberView(store, m)));
      items.sort((a, b) => memberSortKey(a).localeCompare(memberSortKey(b)));
      return { status: 200, body: { items } };
    });

    router.api('POST', '/orgs/:org/members', async ({ req, params, principal }) => {
      const org = await findOrg(store, params.org);
      const input = await readJson(req, InviteMember);
      return { status: 201, body: await memberView(store, await invite(store, org, input, principal!)) };
    });

    router.api('PATCH', '/orgs/:org/members/:member', async ({ req, params }) => {
      const org = await findOrg(store, params.org);
      const { role } = await readJson(req, UpdateMember);
      return { status: 200, body: await memberView(store, await changeRole(store, org, params.member, role)) };
    });

    router.api('DELETE', '/orgs/:org/members/:member', async ({ params }) => {
      await remove(store, await findOrg(store, params.org), params.member);
      return { status: 204 };
    });

    router.api('DELETE', '/orgs/:org/members/me', async ({ params, principal }) => {
      const org = await findOrg(store, params.org);
      const mine = principal!.kind === 'admin' ? undefined : await membershipOf(store, org.id, principal!.id);
      if (!mine) throw notFound(`You are not a member of "${org.handle}", so there is nothing to leave.`);
      await remove(store, org, mine.id, 'leave');
      return { status: 204 };
    });

    router.api('GET', '/orgs/:org/audit', async ({ params, query }) => {
      const org = await findOrg(store, params.org);
      return { status: 200, body: await listPage<AuditRecord, ReturnType<typeof auditView>>(store, M.audit, org.id, parseQuery(AuditQuery, query), auditView) };
    });

    // The operator's view: an organization's log by its id, which outlives it (its memberships go with it, its log
    // stays); a live organization by its handle too. Ids are in every organization view and every audit entry.
    router.api('GET', '/audit', async ({ query }) => {
      const { org, ...page } = parseQuery(OperatorAuditQuery, query);
      const live = await store.findUnique<OrganizationRecord>(C.orgs, 'handle', org);
      const orgId = live?.id ?? org;
      const listed = await listPage<AuditRecord, ReturnType<typeof auditView>>(store, M.audit, orgId, page, auditView);
      if (!live && listed.items.length === 0 && !page.cursor) {
        throw notFound(
          `No organization has the handle or id "${org}", and no audit log is kept under that id. A deleted organization is found by its id (in its audit entries' orgId).`,
        );
      }
      return { status: 200, body: listed };
    });

    router.api('GET', '/tokens', async ({ principal }) => {
      const tokens = await store.findAll<PersonalAccessTokenRecord>(M.tokens, 'user', principal!.id);
      tokens.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { status: 200, body: { items: tokens.map(tokenView) } };
    });

    router.api('POST', '/tokens', async ({ req, principal }) => {
      const input = await readJson(req, CreatePersonalAccessToken);
      const org = await findOrg(store, input.orgHandle);
      auditUnder(req, org.id);
      const { record, secret } = await createToken(store, principal!, org, input);
      return { status: 201, body: { token: tokenView(record), secret } };
    });

    router.api('DELETE', '/tokens/:token', async ({ req, params, principal }) => {
      const token = await store.get<PersonalAccessTokenRecord>(M.tokens, params.token);
      if (!token || token.userId !== principal!.id) throw notFound(`You have no personal access token "${params.token}".`);
      auditUnder(req, token.orgId);
      await store.write([{ op: 'delete', collection: M.tokens, id: token.id }]);
      return { status: 204 };
    });

    // An organization's memberships, invitations and tokens go with it; its audit log stays.
    cascade.onDelete(C.orgs, async (org) => [
      ...(await membersOf(store, org.id)).map((m) => ({ op: 'delete' as const, collection: M.members, id: m.id })),
      ...(await store.findAll<PersonalAccessTokenRecord>(M.tokens, 'org', org.id)).map((t) => ({ op: 'delete' as const, collection: M.tokens, id: t.id })),
    ]);
  },
};

const memberSortKey = (m: Awaited<ReturnType<typeof memberView>>) => (m.user?.name ?? m.user?.email ?? m.invitedEmail ?? m.invitedSubject ?? '').toLowerCase();

async function me(store: Store, principal: Principal): Promise<Me> {
  if (principal.kind === 'admin') return { kind: 'admin', memberships: [] };
  const user = await store.get<UserRecord>(M.users, principal.id);
  const mine = await store.findAll<MemberRecord>(M.members, 'user', principal.id);
  const memberships: Me['memberships'] = [];
  for (const m of mine) {
    const role = await roleOf(store, principal, m.orgId);
    if (role) memberships.push({ orgHandle: m.orgHandle, role });
  }
  memberships.sort((a, b) => a.orgHandle.localeCompare(b.orgHandle));
  return { kind: principal.kind, ...(user ? { user: userView(user) } : {}), memberships };
}

/** The organizations a principal may see in lists: undefined for the operator (all of them). */
export async function visibleOrgs(store: Store, principal: Principal | undefined): Promise<((org: OrganizationRecord) => boolean) | undefined> {
  if (!principal || principal.kind === 'admin') return undefined;
  if (principal.kind === 'token') return (org) => org.id === principal.token!.orgId;
  const ids = new Set((await store.findAll<MemberRecord>(M.members, 'user', principal.id)).map((m) => m.orgId));
  return (org) => ids.has(org.id);
}
