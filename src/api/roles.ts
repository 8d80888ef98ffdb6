/** The roles of a team member in an organization (no zod here: the tree's menus use these at activation).
 * Viewer reads everything in the organization; Developer also changes projects, components, keys and connections;
 * Admin also manages members, identity providers and the organization itself. */
export const ROLES = ['viewer', 'developer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_NAMES: Record<Role, string> = { viewer: 'Viewer', developer: 'Developer', admin: 'Admin' };
export const roleAtLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);
