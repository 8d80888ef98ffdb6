// The tree's rows of issue 24 in plain Node (`vscode` at the edge: TreeItem as data): under Identity Providers → the
// built-in provider, a Users row per environment before the consumers using it; under it each test user with its
// groups; a change to one environment's users reloads that row first. Against a real control plane.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import { idsFor, nodeIds } from '../../../src/tree/nodeIds';
import { OrgRoles } from '../../../src/tree/roles';
import type { TreeContext, TreeNode } from '../../../src/tree/treeNode';
import type { IdentityProvidersNode as IdentityProvidersNodeType } from '../../../src/tree/identityProvidersNode';
import { requireWithFakeVscode } from './fakeVscode';
import { startWorld, type World } from './world';

const { IdentityProvidersNode } = requireWithFakeVscode<{ IdentityProvidersNode: typeof IdentityProvidersNodeType }>(
  path.join(__dirname, '..', '..', '..', 'src', 'tree', 'identityProvidersNode'),
);
const ORG = 'stark-industries';

describe('the Users rows of the built-in identity provider', function () {
  this.timeout(30_000);
  let world: World;
  let tree: TreeContext;

  before(async () => {
    world = await startWorld();
    tree = { client: async () => world.client, filter: undefined, register: () => undefined, roles: new OrgRoles() };
    await world.client.createOrganization({ name: 'Stark Industries' });
    await world.client.importTestUsers(
      ORG,
      'development',
      'username,password,groups,first_name,last_name,email\n"pepper","pepper-password","[manager, engineering]","","",""\n"happy","happy-password","","","",""\n',
    );
  });
  after(async () => {
    await world?.close();
  });

  const row = (n: TreeNode) => {
    const item = n.getTreeItem() as unknown as { label: string; description?: string; contextValue?: string; collapsibleState: number };
    return [item.label, item.description, item.contextValue];
  };

  it('lists a Users row per environment under the built-in provider, and each user with their groups under it', async () => {
    const providers = new IdentityProvidersNode(undefined as never, tree, { orgHandle: ORG });
    const [builtIn] = await providers.getChildren();
    assert.equal(row(builtIn!)[2], 'identityProvider.builtIn');
    assert.equal((builtIn!.getTreeItem() as unknown as { collapsibleState: number }).collapsibleState, 1, 'expandable, though no consumer uses it yet');
    const stores = await builtIn!.getChildren();
    assert.deepEqual(stores.map(row), [
      ['Users', 'Development', 'testUsers'],
      ['Users', 'Production', 'testUsers'],
    ]);
    assert.deepEqual(
      (await stores[0]!.getChildren()).map(row),
      [
        ['happy', '', 'testUser'],
        ['pepper', 'manager, engineering', 'testUser'],
      ],
      'by username',
    );
    assert.deepEqual((await stores[1]!.getChildren()).map(row), [['No test users yet: Add User or Import Users', undefined, 'message']]);
    assert.deepEqual(
      (stores[0] as unknown as { ref: unknown }).ref,
      { orgHandle: ORG, environment: 'development', environmentName: 'Development' },
      'what the commands on the row act on',
    );
  });

  it('reloads the Users row of the environment whose users changed, before anything wider', () => {
    assert.equal(idsFor({ orgHandle: ORG, testUsers: 'development' })[0], nodeIds.testUsers(ORG, 'development'));
  });
});
