/**
 * Members of an organization (team control planes, Admins): Invite Member, Change Role, Remove Member. Each takes a
 * row of the tree (Members or a member), or the same shape from a test: `{ orgHandle }` with `{ email | subject, role }`,
 * `{ orgHandle, memberId }` with `{ role }` or `{ confirm: true }` (in the target or as the options).
 */
import * as vscode from 'vscode';
import type { Member } from '../api/members';
import { ROLE_NAMES, ROLES, type Role } from '../api/roles';
import type { OrgRef } from '../api/refs';
import { refOf, resolveOrg, type MemberTarget, type Target } from '../useCases/targets';
import { CommandError, optionsOf, type CommandContext } from './commandContext';

/** A member row's target, or as much of it as a test gives (a role beside a plain target is the new one). */
type MemberRef = Partial<MemberTarget>;

interface MemberInput {
  email?: string;
  subject?: string;
  role?: Role;
  confirm?: boolean;
}

const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything in the organization',
  developer: 'also changes projects, components, keys and connections',
  admin: 'also manages members, identity providers and the organization',
};

/** What a command was given: the row's ref (or the plain object), with the options over it. */
function given<R>(target: Target<R>, options: MemberInput | undefined): Partial<R> & MemberInput {
  return { ...refOf(target), ...optionsOf(options) } as Partial<R> & MemberInput;
}

const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r);

async function pickRole(ctx: CommandContext, title: string, current?: Role): Promise<Role> {
  const picked = await ctx.ui.pick(
    ROLES.map((r) => ({ label: ROLE_NAMES[r], description: ROLE_HELP[r] + (r === current ? ' (now)' : ''), role: r })),
    { title },
  );
  return picked.role;
}

export async function inviteMember(ctx: CommandContext, target?: Target<OrgRef>, options?: MemberInput): Promise<Member> {
  const g = given(target, options);
  const { orgHandle: org } = await resolveOrg(ctx, g);
  let { email, subject } = g;
  if (!email && !subject) {
    const who = (
      await ctx.ui.ask({
        title: vscode.l10n.t('Invite to {0}', org),
        prompt: vscode.l10n.t('Email address, or the subject (user ID) at your identity provider. They are a member once they first sign in.'),
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter an email address or a subject.')),
      })
    ).trim();
    if (who.includes('@')) email = who;
    else subject = who;
  }
  const role = isRole(g.role) ? g.role : await pickRole(ctx, vscode.l10n.t('Role of {0} in {1}', email ?? subject ?? '', org));
  const member = await (await ctx.client()).inviteMember(org, email ? { email, role } : { subject, role });
  ctx.changed({ orgHandle: org, members: true });
  ctx.log.info(`Invited ${email ?? subject} to ${org} as ${ROLE_NAMES[role]}`);
  return member;
}

function memberTarget(g: MemberRef): Omit<MemberTarget, 'role'> & MemberRef {
  if (!g.orgHandle || !g.memberId) throw new CommandError('no_target', vscode.l10n.t('Run this on a member in the Members of an organization.'));
  return { orgHandle: g.orgHandle, memberId: g.memberId, role: isRole(g.role) ? g.role : undefined, name: g.name ?? g.memberId };
}

export async function changeMemberRole(ctx: CommandContext, target?: Target<MemberRef>, options?: MemberInput): Promise<Member> {
  const g = given(target, options);
  const m = memberTarget(g);
  // A row's ref carries the member's current role, so it is asked; a role given beside a plain target is the new one.
  const fromRow = typeof target === 'object' && target !== null && 'ref' in target;
  const wanted = optionsOf(options).role ?? (fromRow ? undefined : g.role);
  const role = isRole(wanted) ? wanted : await pickRole(ctx, vscode.l10n.t('Role of {0} in {1}', m.name, m.orgHandle), m.role);
  const member = await (await ctx.client()).changeMemberRole(m.orgHandle, m.memberId, role);
  ctx.changed({ orgHandle: m.orgHandle, members: true });
  return member;
}

export async function removeMember(ctx: CommandContext, target?: Target<MemberRef>, options?: MemberInput): Promise<void> {
  const g = given(target, options);
  const m = memberTarget(g);
  if (g.confirm !== true) {
    await ctx.ui.confirm(
      vscode.l10n.t('Remove {0} from {1}?', m.name, m.orgHandle),
      vscode.l10n.t('They lose access to the organization at once, and their personal access tokens for it stop working.'),
      vscode.l10n.t('Remove'),
    );
  }
  await (await ctx.client()).removeMember(m.orgHandle, m.memberId);
  ctx.changed({ orgHandle: m.orgHandle, members: true });
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} was removed from {1}.', m.name, m.orgHandle));
}
