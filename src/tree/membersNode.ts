/** Members under an organization (team control planes): who belongs to it with which role, and who is invited. */
import { nodeIds } from './nodeIds';
import * as vscode from 'vscode';
import type { Member } from '../api/members';
import { ROLE_NAMES } from '../api/roles';
import { errorRow, groupItem, MessageNode, type TreeContext, type TreeNode as Node, TreeNode } from './treeNode';
import type { OrgRef } from '../api/refs';
import type { MemberTarget } from '../useCases/targets';

export class MembersNode extends TreeNode {
  readonly id: string;
  private members: MemberNode[] | undefined;

  constructor(
    parent: Node,
    ctx: TreeContext,
    readonly ref: OrgRef,
  ) {
    super(parent, ctx);
    this.id = nodeIds.members(ref.orgHandle);
  }

  getTreeItem(): vscode.TreeItem {
    return groupItem(this.id, vscode.l10n.t('Members'), 'person', 'members', vscode.l10n.t('Members of {0} and their roles', this.ref.orgHandle));
  }

  override async getChildren(): Promise<Node[]> {
    try {
      this.members ??= (await (await this.ctx.client()).listMembers(this.ref.orgHandle)).map((m) => new MemberNode(this, this.ctx, m));
    } catch (e) {
      return [errorRow(this, this.ctx, e)];
    }
    this.members.forEach((m) => this.ctx.register(m));
    return this.members.length ? this.members : [new MessageNode(this, this.ctx, vscode.l10n.t('No members yet'), 'info')];
  }

  override reset(): void {
    this.members = undefined;
  }
}

export class MemberNode extends TreeNode {
  readonly id: string;
  readonly ref: MemberTarget;

  constructor(
    parent: Node,
    ctx: TreeContext,
    readonly member: Member,
  ) {
    super(parent, ctx);
    this.id = nodeIds.member(member.orgHandle, member.id);
    this.ref = { orgHandle: member.orgHandle, memberId: member.id, role: member.role, name: memberName(member) };
  }

  getTreeItem(): vscode.TreeItem {
    const m = this.member;
    const item = new vscode.TreeItem(memberName(m), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = m.status === 'pending' ? vscode.l10n.t('{0} · invited', ROLE_NAMES[m.role]) : ROLE_NAMES[m.role];
    item.iconPath = new vscode.ThemeIcon(m.status === 'pending' ? 'mail' : 'account');
    item.contextValue = `member.${m.status}`;
    item.tooltip = [
      m.user?.name,
      m.user?.email ?? m.invitedEmail,
      `subject: ${m.user?.subject ?? m.invitedSubject ?? '—'}`,
      `${ROLE_NAMES[m.role]}${m.status === 'pending' ? ', pending until first sign-in' : ''}`,
    ]
      .filter(Boolean)
      .join('\n');
    return item;
  }
}

export const memberName = (m: Member) => m.user?.name ?? m.user?.email ?? m.invitedEmail ?? m.invitedSubject ?? m.id;
