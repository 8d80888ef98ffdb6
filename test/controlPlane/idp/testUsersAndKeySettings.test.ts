/**
 * Key settings of built-in keys and the test users of the built-in identity provider, through the management API of
 * a real control plane (issue 24, items 1 and 2): validation per field, defaults for keys made before, passwords
 * never answered or stored in the clear, and a CSV with a bad line importing nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuthConfiguration, DEFAULT_KEY_SETTINGS, IssuedKeys, paths, TEST_USERS_CSV_TEMPLATE, type KeySettings } from '../../../src/api';
import { ControlPlane } from '../helpers/controlPlane';

describe('built-in identity provider: key settings and test users', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  const org = 'stark-industries';
  const env = 'development';
  let keys: IssuedKeys;

  const webApp: KeySettings = {
    ...DEFAULT_KEY_SETTINGS,
    grantTypes: ['authorization_code', 'refresh_token'],
    callbackUrls: ['https://app.example.com/callback', 'http://127.0.0.1/callback'],
    publicClient: true,
  };

  before(async () => {
    cp = await ControlPlane.start();
    assert.equal((await cp.call('POST', paths.orgs(), { name: 'Stark Industries' })).status, 201);
    assert.equal((await cp.call('POST', paths.components(org, 'default'), { displayName: 'Web', name: 'web', type: 'external-consumer' })).status, 201);
    keys = IssuedKeys.parse((await cp.call('POST', `${paths.authFor(org, 'default', 'web', env)}/generate-keys`)).body);
  });
  after(async () => {
    await cp.stop();
  });

  it('answers the defaults for keys that never had key settings, then the settings put', async () => {
    assert.deepEqual(keys.authConfiguration.keySettings, DEFAULT_KEY_SETTINGS);
    const put = await cp.call('PUT', paths.keySettings(org, 'default', 'web', env), webApp);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(AuthConfiguration.parse(put.body).keySettings, webApp);
    const got = AuthConfiguration.parse((await cp.call('GET', paths.authFor(org, 'default', 'web', env))).body);
    assert.deepEqual(got.keySettings, webApp);
  });

  it('refuses bad key settings with an error per field, and keeps the stored ones', async () => {
    const res = await cp.call('PUT', paths.keySettings(org, 'default', 'web', env), {
      ...webApp,
      grantTypes: ['client_credentials', 'authorization_code'],
      callbackUrls: ['http://evil.example.com/cb'],
      expiry: { ...webApp.expiry, idToken: 5 },
    });
    assert.equal(res.status, 400);
    const body = res.body as { error: { code: string; fields: Array<{ path: string; message: string }> } };
    assert.equal(body.error.code, 'validation_failed');
    const byPath = Object.fromEntries(body.error.fields.map((f) => [f.path, f.message]));
    assert.match(byPath['callbackUrls.0'], /https, or http only on 127\.0\.0\.1/);
    assert.match(byPath['expiry.idToken'], /at least 60 seconds/);
    const got = AuthConfiguration.parse((await cp.call('GET', paths.authFor(org, 'default', 'web', env))).body);
    assert.deepEqual(got.keySettings, webApp);
  });

  it('adds a user whose password is never answered nor stored in the clear', async () => {
    const res = await cp.call('POST', paths.testUsers(org, env), {
      username: 'ann',
      password: 'correct horse',
      groups: ['engineering'],
      email: 'Ann@Example.com',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(JSON.stringify(res.body).includes('correct horse'), false);
    assert.equal((res.body as { email: string }).email, 'ann@example.com');
    const again = await cp.call('POST', paths.testUsers(org, env), { username: 'ANN', password: 'another one' });
    assert.equal(again.status, 409);
    const list = await cp.call('GET', paths.testUsers(org, env));
    assert.deepEqual(
      (list.body as { items: Array<{ username: string }> }).items.map((u) => u.username),
      ['ann'],
    );
    assert.equal(JSON.stringify(list.body).includes('scrypt'), false);
    for (const file of fs.readdirSync(cp.dataDir, { recursive: true }) as string[]) {
      const full = path.join(cp.dataDir, file);
      if (fs.statSync(full).isFile()) assert.equal(fs.readFileSync(full, 'utf8').includes('correct horse'), false, `${file} holds the password`);
    }
  });

  it("imports Choreo's CSV template", async () => {
    const res = await cp.call('POST', paths.importTestUsers(org, env), { csv: TEST_USERS_CSV_TEMPLATE });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const body = res.body as { imported: number; items: Array<{ username: string; groups: string[]; firstName: string; email: string }> };
    assert.equal(body.imported, 1);
    assert.deepEqual(body.items[0], { ...body.items[0], username: 'demouser', groups: ['manager', 'engineering'], firstName: 'John', email: 'john@acme.org' });
  });

  it('imports nothing from a CSV with bad lines, and names each of them', async () => {
    const csv = [
      'username,password,groups,first_name,last_name,email,department',
      'bob,password1,[a],Bob,B,bob@example.com,sales',
      'carol,short,[],Carol,C,carol@example.com,',
      '',
      'dave,password1,[],Dave,D,not-an-email,',
      'ann,password1,[],Ann,A,,',
    ].join('\n');
    const res = await cp.call('POST', paths.importTestUsers(org, env), { csv });
    assert.equal(res.status, 400);
    const fields = (res.body as { error: { fields: Array<{ path: string; message: string }> } }).error.fields;
    assert.deepEqual(
      fields.map((f) => f.path),
      ['line 3', 'line 5', 'line 6'],
    );
    assert.match(fields[0].message, /^password: /);
    assert.match(fields[1].message, /^email: /);
    assert.match(fields[2].message, /already has a test user named ann/);
    const list = (await cp.call('GET', paths.testUsers(org, env))).body as { items: Array<{ username: string }> };
    assert.equal(
      list.items.some((u) => u.username === 'bob'),
      false,
      'a good line of a refused file was imported',
    );
  });

  it('resets a password and deletes a user; both are audited', async () => {
    assert.equal((await cp.call('POST', paths.resetTestUserPassword(org, env, 'ann'), { password: 'battery staple' })).status, 204);
    assert.equal((await cp.call('POST', paths.resetTestUserPassword(org, env, 'nobody'), { password: 'battery staple' })).status, 404);
    assert.equal((await cp.call('DELETE', paths.testUser(org, env, 'ann'))).status, 204);
    assert.equal((await cp.call('DELETE', paths.testUser(org, env, 'ann'))).status, 404);
    const audit = (await cp.call('GET', paths.audit(org))).body as { items: Array<{ action: string }> };
    const actions = audit.items.map((e) => e.action);
    assert.ok(actions.includes('DELETE /orgs/:org/environments/:env/users/:user'), actions.join(', '));
    assert.ok(actions.includes('PUT /orgs/:org/projects/:project/components/:component/auth/:env/key-settings'));
  });

  it('deletes the organization with its test users', async () => {
    assert.equal((await cp.call('POST', paths.testUsers(org, env), { username: 'zed', password: 'zeds password' })).status, 201);
    assert.equal((await cp.call('DELETE', paths.org(org))).status, 204);
    assert.equal((await cp.call('POST', paths.orgs(), { name: 'Stark Industries' })).status, 201);
    assert.deepEqual((await cp.call('GET', paths.testUsers(org, env))).body, { items: [] });
  });
});
