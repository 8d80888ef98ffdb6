// Test users in the real VS Code, against the local control plane the extension starts (issue 24; needs the server's
// users routes): under Identity Providers → the built-in provider, a Users row per environment; Import Users from a
// CSV file (a bad line refused, naming it, nothing imported; then the good file); Add User, Reset Password and
// Delete User through the commands, the Users row following each; Save CSV Template writes Choreo's template.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChoreoApi } from '../../src/extension';
import { TEST_USERS_CSV_TEMPLATE, type Organization, type TestUser } from '../../src/api';
import { activeApi, child, rows, type Row } from './support';

describe('Test users of the built-in identity provider', function () {
  this.timeout(60_000);
  let api: ChoreoApi;
  let org: Organization;
  const scratch = process.env.CHOREO_TEST_SCRATCH!;

  const usersRow = async (environmentName: string): Promise<Row> => {
    const providers = await child(api, (await child(api, undefined, org.name)).node, 'Identity Providers');
    const builtIn = (await rows(api, providers.node)).find((r) => r.contextValue === 'identityProvider.builtIn')!;
    const found = (await rows(api, builtIn.node)).find((r) => r.label === 'Users' && r.description === environmentName);
    assert.ok(found, `a Users row for ${environmentName}`);
    return found;
  };
  const listed = async (environmentName: string) =>
    (await rows(api, (await usersRow(environmentName)).node)).map((r) => [r.label, r.description, r.contextValue]);

  before(async () => {
    api = await activeApi();
    org = (await vscode.commands.executeCommand<Organization>('choreo.createOrganization', { name: 'Stark Test Users' }))!;
    assert.ok(org, api.failures.last?.message);
  });

  it('shows a Users row per environment under the built-in provider, empty at first', async () => {
    assert.ok(await usersRow('Development'));
    assert.ok(await usersRow('Production'));
    assert.deepEqual(await listed('Development'), [['No test users yet: Add User or Import Users', undefined, 'message']]);
  });

  it('Import Users refuses a CSV with a bad line, naming it, and imports nothing; the fixed file fills the row', async () => {
    const bad = path.join(scratch, 'bad-users.csv');
    writeFileSync(bad, 'username,password,groups,first_name,last_name,email\n"rhodey","rhodey-password","[qa]","","",""\n"vision","short","","","",""\n');
    const refused = await vscode.commands.executeCommand('choreo.importTestUsers', (await usersRow('Development')).node, { csvFile: bad });
    assert.equal(refused, undefined);
    assert.equal(api.failures.last?.code, 'csv_refused');
    assert.match(api.failures.last!.message, /line 3: password: Use at least 8 characters\./);
    assert.deepEqual(await listed('Development'), [['No test users yet: Add User or Import Users', undefined, 'message']]);
    const good = path.join(scratch, 'users.csv');
    writeFileSync(good, TEST_USERS_CSV_TEMPLATE);
    const imported = await vscode.commands.executeCommand<TestUser[]>('choreo.importTestUsers', (await usersRow('Development')).node, { csvFile: good });
    assert.ok(imported, api.failures.last?.message);
    assert.deepEqual(await listed('Development'), [['demouser', 'manager, engineering', 'testUser']]);
    assert.deepEqual(await listed('Production'), [['No test users yet: Add User or Import Users', undefined, 'message']], 'per environment');
  });

  it('Add User, Reset Password and Delete User act on the row and the row follows', async () => {
    const added = await vscode.commands.executeCommand<TestUser>(
      'choreo.addTestUser',
      { orgHandle: org.handle, environment: 'development' },
      { username: 'pepper', password: 'pepper-password', groups: 'manager', firstName: '', lastName: '', email: '' },
    );
    assert.ok(added, api.failures.last?.message);
    assert.deepEqual((await listed('Development')).map((r) => r[0]).sort(), ['demouser', 'pepper']);
    const pepper = (await rows(api, (await usersRow('Development')).node)).find((r) => r.label === 'pepper')!;
    await vscode.commands.executeCommand('choreo.resetTestUserPassword', pepper.node, { password: 'another-password' });
    assert.notEqual(api.failures.last?.command, 'choreo.resetTestUserPassword', api.failures.last?.message);
    await vscode.commands.executeCommand('choreo.deleteTestUser', pepper.node, { confirm: true });
    assert.deepEqual(
      (await listed('Development')).map((r) => r[0]),
      ['demouser'],
    );
  });

  it("Save CSV Template writes Choreo's template", async () => {
    const file = path.join(scratch, 'template.csv');
    await vscode.commands.executeCommand('choreo.saveTestUsersCsvTemplate', { file });
    assert.equal(readFileSync(file, 'utf8'), TEST_USERS_CSV_TEMPLATE);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
