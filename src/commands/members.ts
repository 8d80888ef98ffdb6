/**
 * Members of an organization (team control planes, Admins): Invite Member, Change Role, Remove Member. Each takes a
 * row of the tree (Members or a member) or a plain object (tests): `{ org, email | subject, role }`,
 * `{ org, member, role }`, `{ org, member, confirm: true }`.
 */
import * as vscode from 'vscode';
import type { Member } from '../api/members';
import { ROLE_NAMES, ROLES, type Role } from '../api/roles';
import type { CommandContext } from './commandContext';
import { CommandError } from './commandContext';
import { askText, confirm, field, pickOne } from './prompts';
import { refOf, targetOrg } from './targets';

async function pickRole(title: string, current?: Role): Promise<Role> {
  const picked = await pickOne(
    ROLES.map((r) => ({ label: ROLE_NAMES[r], description: ROLE_HELP[r] + (r === current ? ' (now)' : ''), role: r })),
    { title },
  );
  return picked.role;
}

const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything in the organization',
  developer: 'also changes projects, components, keys and connections',
  admin: 'also manages members, identity providers and the organization',
};

const roleOf = (arg: unknown): Role | undefined => {
  const r = field(refOf(arg), 'role');
  return r && (ROLES as readonly string[]).includes(r) ? (r as Role) : undefined;
};

export async function inviteMember(ctx: CommandContext, arg?: unknown): Promise<Member> {
  const { org } = await targetOrg(ctx, arg);
  const given = refOf(arg);
  let email = field(given, 'email');
  let subject = field(given, 'subject');
  if (!email && !subject) {
    const who = (
      await askText({
        title: `Invite to ${org}`,
        prompt: 'Email address, or the subject (user ID) at your identity provider. They are a member once they first sign in.',
        validateInput: (v) => (v.trim() ? undefined : 'Enter an email address or a subject.'),
      })
    ).trim();
    if (who.includes('@')) email = who;
    else subject = who;
  }
  const role = (given?.email || given?.subject ? roleOf(arg) : undefined) ?? (await pickRole(`Role of ${email ?? subject} in ${org}`));
  const member = await (await ctx.client()).inviteMember(org, email ? { email, role } : { subject, role });
  ctx.tree.refreshById(`members:${org}`);
  ctx.log.info(`Invited ${email ?? subject} to ${org} as ${ROLE_NAMES[role]}`);
  return member;
}

function targetMember(arg: unknown): { org: string; member: string; role?: Role; name: string } {
  const ref = refOf(arg);
  const org = field(ref, 'org');
  const member = field(ref, 'member');
  if (!org || !member) throw new CommandError('no_target', 'Run this on a member in the Members of an organization.');
  return { org, member, role: roleOf(arg), name: field(ref, 'name') ?? member };
}

export async function changeMemberRole(ctx: CommandContext, arg?: unknown): Promise<Member> {
  const target = targetMember(arg);
  const fromTest = field(arg, 'member') !== undefined;
  const role = (fromTest ? target.role : undefined) ?? (await pickRole(`Role of ${target.name} in ${target.org}`, target.role));
  const member = await (await ctx.client()).changeMemberRole(target.org, target.member, role);
  ctx.tree.refreshById(`members:${target.org}`);
  return member;
}

export async function removeMember(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = targetMember(arg);
  await confirm(
    `Remove ${target.name} from ${target.org}?`,
    'They lose access to the organization at once, and their personal access tokens for it stop working.',
    'Remove',
    refOf(arg)?.confirm,
  );
  await (await ctx.client()).removeMember(target.org, target.member);
  ctx.tree.refreshById(`members:${target.org}`);
  void vscode.window.showInformationMessage(`${target.name} was removed from ${target.org}.`);
}
