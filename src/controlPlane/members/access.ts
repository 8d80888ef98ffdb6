/**
 * Who may call which management route (the rules are in ACCESS, src/api/routes.ts) and the audit record of every
 * write: the router's Guard. Also the authenticator of people signed in with the team's identity provider.
 */
import type { IncomingMessage } from 'node:http';
import { ROLE_NAMES, ROLES, roleAtLeast } from '../../api/members';
import type { Access } from '../../api/routes';
import { C, type OrganizationRecord } from '../domain/records';
import type { Authenticator, Principal } from '../http/auth';
import { ApiError, notFound } from '../http/errors';
import type { Guard, RouteContext, WriteChecks } from '../http/router';
import type { Store } from '../store/store';
import { auditRecord, recordWrite } from './audit';
import type { ClientAddress } from '../http/clientAddress';
import { adminNames, lowerRole, membershipOf, personName, signedIn } from './membership';
import { M } from './records';
import type { UsersIdp } from './usersIdp';

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const noSuchOrg = (handle: string) => notFound(`There is no organization "${handle}". List organizations to see their handles.`);

/** The organization a write is recorded under, when its path names none (a new organization, a token's). */
const auditOrgs = new WeakMap<IncomingMessage, string>();
export function auditUnder(req: IncomingMessage, orgId: string): void {
  auditOrgs.set(req, orgId);
}

export class UserTokenAuthenticator implements Authenticator {
  constructor(
    private readonly idp: UsersIdp,
    private readonly store: Store,
    private readonly clientAddress: ClientAddress,
  ) {}

  async authenticate(token: string, req: IncomingMessage): Promise<Principal | undefined> {
    const claims = await this.idp.verify(token);
    if (!claims) return undefined;
    const user = await signedIn(this.store, claims, this.clientAddress(req));
    return { kind: 'user', id: user.id, name: personName(user), account: { subject: user.subject, issuer: user.issuer } };
  }
}

export class MembersGuard implements Guard {
  constructor(
    private readonly store: Store,
    private readonly clientAddress: ClientAddress,
  ) {}

  async authorize(ctx: RouteContext, access: Access): Promise<WriteChecks> {
    const p = ctx.principal!;
    if (access === 'any') return [];
    if (access === 'user') {
      if (p.kind === 'user') return [];
      throw forbidden(
        p.kind === 'token'
          ? 'A personal access token cannot manage tokens: sign in as yourself to do this.'
          : "Personal access tokens belong to people: sign in with the team's identity provider to manage yours.",
      );
    }
    if (p.kind === 'admin') {
      const org = ctx.params.org ? await this.store.findUnique<OrganizationRecord>(C.orgs, 'handle', ctx.params.org) : undefined;
      if (org) auditUnder(ctx.req, org.id);
      return [];
    }
    if (access === 'operator') throw forbidden('Only the operator of this control plane, with its admin token, may do this.');
    if (access === 'people') {
      if (p.kind === 'token') throw forbidden('A personal access token works in its one organization only: sign in as yourself to do this.');
      return [];
    }
    if (access.person && p.kind === 'token') {
      throw forbidden("A personal access token cannot do this, whatever its role: it would end its owner's membership. Sign in as yourself to leave.");
    }
    const org = await this.store.findUnique<OrganizationRecord>(C.orgs, 'handle', ctx.params.org);
    // One that does not exist (yet) is refused here, not left to the handler: created a moment later, it would be
    // found there with nobody's role checked. One the caller is not in looks the same.
    if (!org) throw noSuchOrg(ctx.params.org);
    auditUnder(ctx.req, org.id);
    const member = p.kind === 'token' && p.token!.orgId !== org.id ? undefined : await membershipOf(this.store, org.id, p.id);
    if (!member) throw noSuchOrg(ctx.params.org);
    const role = p.kind === 'token' ? lowerRole(member.role, p.token!.role) : member.role;
    if (!roleAtLeast(role, access.org)) {
      const yours = p.kind === 'token' ? `this token acts as a ${ROLE_NAMES[role]}` : `you are a ${ROLE_NAMES[role]}`;
      throw forbidden(
        `This needs the ${ROLE_NAMES[access.org]} role in organization "${org.handle}"; ${yours}. Ask one of its Admins: ${await adminNames(this.store, org.id)}.`,
      );
    }
    // What this decision rests on, decided again inside every write the handler makes.
    const checks: WriteChecks = [
      {
        op: 'check',
        collection: M.members,
        id: member.id,
        field: 'role',
        oneOf: ROLES.filter((r) => roleAtLeast(r, access.org)),
        why: `Your role in organization "${org.handle}" changed while this request ran; it needs the ${ROLE_NAMES[access.org]} role. Nothing was changed.`,
      },
    ];
    if (p.kind === 'token') {
      checks.push({
        op: 'check',
        collection: M.tokens,
        id: p.token!.id,
        why: 'This personal access token was revoked while the request ran. Nothing was changed.',
      });
    }
    return checks;
  }

  async written(ctx: RouteContext, route: string, status: number): Promise<void> {
    const orgId = auditOrgs.get(ctx.req) ?? '';
    await recordWrite(this.store, auditRecord(orgId, ctx.principal!, route, ctx.req, this.clientAddress(ctx.req), status));
  }
}
