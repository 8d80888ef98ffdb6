/** The tree's menus follow the caller's role (src/tree/roles.ts): a row in an organization where the caller is a
 * Viewer or Developer ends in `~viewer` / `~developer`, and package.json offers each command only to the roles the
 * server lets do it. Read from package.json's own `when` clauses. */
import { strict as assert } from 'node:assert';
import manifest from '../../../package.json';
import { ACCESS } from '../../../src/api/routes';
import { roleAtLeast, ROLES, type Role } from '../../../src/api/roles';
import type { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { OrgRoles } from '../../../src/tree/roles';

/** The rows of the tree, as their nodes set contextValue (before the role suffix). */
const ROWS = [
  'organization',
  'project',
  'component.externalConsumer',
  'component.service',
  'environment.notConfigured',
  'environment.builtIn',
  'environment.external',
  'connection',
  'endpoint',
  'members',
  'member.active',
  'member.pending',
  'identityProviders',
  'identityProvider.builtIn',
  'identityProvider.external',
  'identityProviderUse',
  'testUsers',
  'testUser',
];

const component = '/orgs/:org/projects/:project/components/:component';
const auth = `${component}/auth/:env`;
const config = `${component}/connections/:connection/config/:env`;
/** The management route each command on a row calls (its key in ACCESS; per row where the row decides). The role a
 * command needs is that route's rule in ACCESS, read below: not copied here. */
const ROUTE: Record<string, string | Record<string, string>> = {
  'choreo.openOverview': `GET ${component}`,
  'choreo.getTestToken': `GET ${auth}`,
  'choreo.copyClientId': `GET ${auth}`,
  'choreo.copyTokenUrl': `GET ${auth}`,
  'choreo.copyServiceUrl': { connection: `GET ${config}`, endpoint: `GET ${component}` },
  'choreo.insertConnectionSnippet': `GET ${config}`,
  'choreo.writeEnv': `GET ${config}`,
  'choreo.writeBrowserConfig': `GET ${config}`,
  'choreo.testConnection': `GET ${config}`,
  'choreo.linkWorkspace': `GET ${component}`,
  'choreo.refresh': {
    organization: 'GET /orgs/:org',
    project: 'GET /orgs/:org/projects/:project',
    component: `GET ${component}`,
    members: 'GET /orgs/:org/members',
    identityProviders: 'GET /orgs/:org/identity-providers',
  },
  'choreo.openIdentityProvider': 'GET /orgs/:org/identity-providers/:idp',
  'choreo.createProject': 'POST /orgs/:org/projects',
  'choreo.createExternalConsumer': 'POST /orgs/:org/projects/:project/components',
  'choreo.createService': 'POST /orgs/:org/projects/:project/components',
  'choreo.createConnection': `POST ${component}/connections`,
  'choreo.configureAuthentication': `POST ${auth}/generate-keys`,
  'choreo.generateKeys': `POST ${auth}/generate-keys`,
  'choreo.regenerateSecret': `POST ${auth}/regenerate-secret`,
  'choreo.addKeys': `PUT ${auth}/external`,
  'choreo.removeKeys': `DELETE ${auth}`,
  'choreo.delete': {
    organization: 'DELETE /orgs/:org',
    project: 'DELETE /orgs/:org/projects/:project',
    component: `DELETE ${component}`,
    connection: `DELETE ${component}/connections/:connection`,
  },
  'choreo.addIdentityProvider': 'POST /orgs/:org/identity-providers',
  'choreo.refreshIdentityProvider': 'POST /orgs/:org/identity-providers/:idp/refresh',
  'choreo.deleteIdentityProvider': 'DELETE /orgs/:org/identity-providers/:idp',
  'choreo.inviteMember': 'POST /orgs/:org/members',
  'choreo.changeMemberRole': 'PATCH /orgs/:org/members/:member',
  'choreo.removeMember': 'DELETE /orgs/:org/members/:member',
  'choreo.showAuditLog': 'GET /orgs/:org/audit',
  'choreo.addTestUser': 'POST /orgs/:org/environments/:env/users',
  'choreo.importTestUsers': 'POST /orgs/:org/environments/:env/users/import',
  'choreo.deleteTestUser': 'DELETE /orgs/:org/environments/:env/users/:user',
  'choreo.resetTestUserPassword': 'POST /orgs/:org/environments/:env/users/:user/reset-password',
};

/** The least role a command on a row needs: the rule in ACCESS of the route it calls there. */
function needs(command: string, row: string): Role {
  const routes = ROUTE[command];
  assert.ok(routes, `${command} is in a menu but not in this test's ROUTE: name the management route it calls`);
  const route = typeof routes === 'string' ? routes : routes[row.split('.')[0]!];
  assert.ok(route, `${command} on ${row}: ROUTE names no route for this row`);
  const access = ACCESS[route];
  assert.ok(access, `${command}: "${route}" is not a route in ACCESS`);
  assert.ok(typeof access === 'object', `${command}: "${route}" is not a rule of a role in an organization`);
  return access.org;
}

/** The contextValue suffix the tree gives a row of an organization where the caller has this role (tree/roles.ts). */
async function suffixFor(role: Role): Promise<string> {
  const roles = new OrgRoles();
  await roles.load({ me: async () => ({ kind: 'user', memberships: [{ orgHandle: 'acme', role }] }) } as unknown as ControlPlaneClient);
  return roles.suffix('acme');
}

/** Whether a `when` clause of the form `view == choreo.resources && viewItem …` holds for this contextValue. */
function holds(when: string, viewItem: string): boolean {
  const clause = when.replace(/^view == choreo\.resources && /, '');
  let m = /^viewItem == (\S+)$/.exec(clause);
  if (m) return viewItem === m[1];
  m = /^viewItem =~ \/(.*)\/$/.exec(clause);
  if (m) return new RegExp(m[1]!).test(viewItem);
  throw new Error(`unexpected when clause: ${when}`);
}

describe('menus follow the role', () => {
  const items = manifest.contributes.menus['view/item/context'];

  it('offers each command on a row only to the roles that may run it', async () => {
    const suffix = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await suffixFor(r)] as const)));
    const wrong: string[] = [];
    for (const item of items) {
      for (const row of ROWS) {
        if (!holds(item.when, row)) continue; // not on this row at all (for an Admin)
        for (const role of ROLES) {
          const offered = holds(item.when, row + suffix[role]);
          if (offered !== roleAtLeast(role, needs(item.command, row)))
            wrong.push(`${item.command} on ${row} for a ${role}: ${offered ? 'offered' : 'not offered'}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('still offers an Admin (and the local control plane) what it offered before roles', () => {
    const on = (row: string) => items.filter((i) => holds(i.when, row)).map((i) => i.command);
    assert.ok(on('organization').includes('choreo.createProject'));
    assert.ok(on('organization').includes('choreo.delete'));
    assert.ok(on('environment.notConfigured').includes('choreo.generateKeys'));
    assert.ok(on('connection').includes('choreo.insertConnectionSnippet'));
    assert.ok(on('members').includes('choreo.inviteMember'));
    assert.ok(on('identityProviders').includes('choreo.addIdentityProvider'));
    assert.deepEqual(new Set(on('identityProvider.builtIn')), new Set(['choreo.openIdentityProvider']));
    assert.deepEqual(new Set(on('testUsers')), new Set(['choreo.addTestUser', 'choreo.importTestUsers']));
    assert.deepEqual(new Set(on('testUser')), new Set(['choreo.resetTestUserPassword', 'choreo.deleteTestUser']));
    assert.deepEqual(
      new Set(on('identityProvider.external')),
      new Set(['choreo.openIdentityProvider', 'choreo.refreshIdentityProvider', 'choreo.deleteIdentityProvider']),
    );
  });
});
