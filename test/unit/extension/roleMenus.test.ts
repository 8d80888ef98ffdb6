/** The tree's menus follow the caller's role (src/tree/roles.ts): a row in an organization where the caller is a
 * Viewer or Developer ends in `~viewer` / `~developer`, and package.json offers each command only to the roles the
 * server lets do it. Read from package.json's own `when` clauses. */
import { strict as assert } from 'node:assert';
import manifest from '../../../package.json';

/** The rows of the tree, as their nodes set contextValue (before the role suffix). */
const ROWS = ['organization', 'project', 'component.externalConsumer', 'component.service', 'environment.notConfigured', 'environment.builtIn', 'environment.external', 'connection', 'endpoint', 'members', 'member.active', 'member.pending', 'identityProviders', 'identityProvider.builtIn', 'identityProvider.external', 'identityProviderUse'];
/** The least role each command on a row needs (its route's rule in ACCESS). */
const NEEDS: Record<string, 'viewer' | 'developer' | 'admin'> = {
  'choreo.openOverview': 'viewer',
  'choreo.getTestToken': 'viewer',
  'choreo.copyClientId': 'viewer',
  'choreo.copyTokenUrl': 'viewer',
  'choreo.copyServiceUrl': 'viewer',
  'choreo.insertConnectionSnippet': 'viewer',
  'choreo.writeEnv': 'viewer',
  'choreo.writeBrowserConfig': 'viewer',
  'choreo.testConnection': 'viewer',
  'choreo.linkWorkspace': 'viewer',
  'choreo.refresh': 'viewer',
  'choreo.openIdentityProvider': 'viewer',
  'choreo.createProject': 'developer',
  'choreo.createExternalConsumer': 'developer',
  'choreo.createService': 'developer',
  'choreo.createConnection': 'developer',
  'choreo.configureAuthentication': 'developer',
  'choreo.generateKeys': 'developer',
  'choreo.regenerateSecret': 'developer',
  'choreo.addKeys': 'developer',
  'choreo.removeKeys': 'developer',
  'choreo.addIdentityProvider': 'admin',
  'choreo.refreshIdentityProvider': 'admin',
  'choreo.deleteIdentityProvider': 'admin',
  'choreo.inviteMember': 'admin',
  'choreo.changeMemberRole': 'admin',
  'choreo.removeMember': 'admin',
  'choreo.showAuditLog': 'admin',
};
const SUFFIX = { admin: '', developer: '~developer', viewer: '~viewer' } as const;
const RANK = { viewer: 0, developer: 1, admin: 2 } as const;

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

  it('offers each command on a row only to the roles that may run it', () => {
    const wrong: string[] = [];
    for (const item of items) {
      for (const row of ROWS) {
        if (!holds(item.when, row)) continue; // not on this row at all (for an Admin)
        for (const role of ['viewer', 'developer', 'admin'] as const) {
          const offered = holds(item.when, row + SUFFIX[role]);
          const needs = item.command === 'choreo.delete' ? (row === 'organization' ? 'admin' : 'developer') : NEEDS[item.command];
          assert.ok(needs, `${item.command} has no role in this test's table`);
          if (offered !== RANK[role] >= RANK[needs]) wrong.push(`${item.command} on ${row} for a ${role}: ${offered ? 'offered' : 'not offered'}`);
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
    assert.deepEqual(new Set(on('identityProvider.external')), new Set(['choreo.openIdentityProvider', 'choreo.refreshIdentityProvider', 'choreo.deleteIdentityProvider']));
  });
});
