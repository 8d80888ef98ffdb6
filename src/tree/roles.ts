/**
 * What the caller may do in each organization, for the tree's menus: nodes inside an organization where the caller
 * is a Viewer or a Developer carry `~viewer` or `~developer` at the end of their contextValue, and package.json's
 * menus offer a write only where the role allows it (Admins, the operator's admin token and the local control plane
 * carry no suffix: everything is offered). The server checks every call anyway; this is so that what cannot be done
 * is not offered.
 */
import type { Role } from '../api/roles';
import type { ControlPlaneClient } from '../client/controlPlaneClient';

export class OrgRoles {
  /** Undefined: the caller is the operator (or the server has no members): no limits to show. */
  private roles: Map<string, Role> | undefined;

  /** Whether the caller is a person (or their token) with memberships: the tree shows Members then. */
  get forPerson(): boolean {
    return this.roles !== undefined;
  }

  async load(client: ControlPlaneClient): Promise<void> {
    try {
      const me = await client.me();
      this.roles = me.kind === 'admin' ? undefined : new Map(me.memberships.map((m) => [m.orgHandle, m.role]));
    } catch {
      // A control plane from before team members: nothing to limit.
      this.roles = undefined;
    }
  }

  roleIn(org: string): Role | undefined {
    return this.roles?.get(org);
  }

  /** The contextValue suffix for nodes in this organization. */
  suffix(org: string): '' | '~viewer' | '~developer' {
    const role = this.roles?.get(org);
    return role === 'viewer' ? '~viewer' : role === 'developer' ? '~developer' : '';
  }
}
