// Issue 24, the extension side: test users (Add User, Import Users, Delete User, Reset Password) and the key settings
// of the Configure form's host, through the use cases and the form host against a real control plane. What the user is
// asked, what lands under which field, and that no password reaches a log line or a Change are asserted here; what
// a password change does, at the issuer's sign-in page, as a person signing in meets it.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_KEY_SETTINGS, TEST_USERS_CSV_TEMPLATE, type Component } from '../../../src/api';
import type { UseCaseContext } from '../../../src/useCases/context';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import { UseCaseError } from '../../../src/useCases/errors';
import { generateKeys } from '../../../src/useCases/keys';
import { resolveEnvironment } from '../../../src/useCases/targets';
import { addTestUser, deleteTestUser, importTestUsers, parseGroups, resetTestUserPassword } from '../../../src/useCases/testUsers';
import type { ConfigureAuthenticationPanel as ConfigurePanelType } from '../../../src/webviews/configureAuthentication/host';
import type { KeySettingsDraft } from '../../../src/webviews/configureAuthentication/protocol';
import type { FormNavigation } from '../../../src/webviews/navigation';
import { fakePanel } from '../webviews/fakePanel';
import { SignInBrowser } from '../../controlPlane/idp/signInBrowser';
import { requireWithFakeVscode } from './fakeVscode';
import { recordSentRequests, type SentRequest } from './sentRequests';
import { startWorld, type World } from './world';

const src = (p: string) => path.join(__dirname, '..', '..', '..', 'src', p);
const { ConfigureAuthenticationPanel } = requireWithFakeVscode<{ ConfigureAuthenticationPanel: typeof ConfigurePanelType }>(
  src('webviews/configureAuthentication/host'),
);

const ORG = 'stark-industries';
const SECRET_PASSWORD = 'correct-horse-battery-staple';
type Posted = { type: string; [k: string]: unknown };

describe('sign-in keys and test users (extension side)', function () {
  this.timeout(30_000);
  let world: World;
  let sent: { requests: SentRequest[]; stop(): void };
  let ctx: UseCaseContext;
  let consumer: Component;
  const users = { orgHandle: ORG, environment: 'development', environmentName: 'Development' };

  before(async () => {
    world = await startWorld();
    sent = recordSentRequests(world.client.baseUrl);
    ctx = world.ctx;
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(ctx, { orgHandle: ORG, projectHandle: 'default' }, { displayName: 'Stark Web App' });
  });
  after(async () => {
    sent?.stop();
    await world?.close();
  });
  beforeEach(() => {
    world.asked.length = 0;
    world.lines.length = 0;
    world.changes.length = 0;
  });
  /** Nothing the extension logged or told the tree carries a password. */
  afterEach(() => {
    assert.ok(!JSON.stringify([world.lines, world.changes]).includes(SECRET_PASSWORD), 'a password reached a log line or a Change');
  });

  describe('test users', () => {
    /** What the issuer's sign-in page answers this username and password, for a public web app's sign-in: 303 back
     * to the app with a code, or 401 with the page again. */
    let signIn: (username: string, password: string) => Promise<number>;
    before(async () => {
      const app = await createExternalConsumer(ctx, { orgHandle: ORG, projectHandle: 'default' }, { displayName: 'Stark Sign-In Check' });
      await generateKeys(ctx, await resolveEnvironment(ctx, { orgHandle: ORG, projectHandle: 'default', componentName: app.name, environment: 'development' }));
      const callback = 'http://localhost:5173/callback';
      const keys = await world.client.updateKeySettings(ORG, 'default', app.name, 'development', {
        ...DEFAULT_KEY_SETTINGS,
        grantTypes: ['authorization_code'],
        callbackUrls: [callback],
        publicClient: true,
      });
      signIn = async (username, password) => {
        const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
        const url = new URL(`${world.client.baseUrl}/oauth2/${ORG}/authorize`);
        const params = {
          response_type: 'code',
          client_id: keys.clientId,
          redirect_uri: callback,
          scope: 'openid',
          state: 's',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        };
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        const answer = await new SignInBrowser().signIn(url.href, username, password);
        assert.ok(answer.status !== 303 || answer.location!.startsWith(`${callback}?code=`), answer.location);
        return answer.status;
      };
    });

    it("Add User asks for each value, refuses a bad one in the schema's words, and hides the password", async () => {
      world.answer('ann smith', 'ann', 'short', SECRET_PASSWORD, '[manager, engineering]', 'Ann', '', 'not-an-email', 'ann@stark.example');
      const user = await addTestUser(ctx, users);
      assert.equal(user.username, 'ann');
      assert.deepEqual(user.groups, ['manager', 'engineering']);
      assert.equal(user.lastName, undefined, 'a blank optional answer is left out');
      assert.equal((user as Record<string, unknown>).password, undefined, 'the answer carries no password');
      const [name, password] = world.asked;
      assert.deepEqual(name!.refused, ['A username has no spaces or control characters.']);
      assert.deepEqual(password!.refused, ['Use at least 8 characters.']);
      assert.match(password!.text, /Add User to Development of stark-industries/);
      assert.deepEqual(
        world.asked.map((a) => a.hidden === true),
        [false, true, false, false, false, false],
        'only the password is hidden as typed',
      );
      assert.deepEqual(world.asked.find((a) => a.detail === 'Email (optional)')?.refused, ['Enter an email address such as ann@example.com.']);
      const post = sent.requests.filter((r) => r.method === 'POST').at(-1)!;
      assert.deepEqual([post.method, post.path], ['POST', '/api/v1/orgs/stark-industries/environments/development/users']);
      assert.deepEqual(post.body, {
        username: 'ann',
        password: SECRET_PASSWORD,
        groups: ['manager', 'engineering'],
        firstName: 'Ann',
        email: 'ann@stark.example',
      });
      assert.deepEqual(world.changes, [{ orgHandle: ORG, testUsers: 'development' }], 'the tree reloads that Users row');
      assert.deepEqual(
        (await (await ctx.client()).listTestUsers(ORG, 'development')).map((u) => u.username),
        ['ann'],
      );
    });

    it('reads groups as people type them and as the CSV spells them', () => {
      assert.deepEqual(parseGroups('[manager, engineering]'), ['manager', 'engineering']);
      assert.deepEqual(parseGroups(' a ,, b '), ['a', 'b']);
      assert.deepEqual(parseGroups(''), []);
    });

    it("Import Users imports Choreo's template as it is", async () => {
      const imported = await importTestUsers(ctx, users, TEST_USERS_CSV_TEMPLATE);
      assert.deepEqual(
        imported.map((u) => [u.username, u.groups]),
        [['demouser', ['manager', 'engineering']]],
      );
      assert.deepEqual(world.changes, [{ orgHandle: ORG, testUsers: 'development' }]);
    });

    it('Import Users with bad lines imports nothing and names each bad line and what to fix', async () => {
      const csv = `username,password,groups,first_name,last_name,email\n"bob","password1","[qa]","Bob","","bob@stark.example"\n"carol","short","","","",""\n"DemoUser","password1","","","",""\n`;
      const e = await importTestUsers(ctx, users, csv).then(
        () => assert.fail('imported'),
        (x: unknown) => x,
      );
      assert.ok(e instanceof UseCaseError, String(e));
      assert.equal(e.code, 'csv_refused');
      assert.match(e.message, /^Nothing was imported: fix these 2 lines and import again\./);
      assert.match(e.message, /line 3: password: Use at least 8 characters\./, "the CSV's column and what to fix");
      assert.match(e.message, /line 4: Development already has a test user named DemoUser\./, 'usernames are one whatever their case');
      assert.deepEqual(Object.keys(e.fields), ['line 3', 'line 4']);
      assert.ok(!(await (await ctx.client()).listTestUsers(ORG, 'development')).some((u) => u.username === 'bob'), 'the good line was not imported either');
      assert.deepEqual(world.changes, []);
      assert.ok(world.lines.some((l) => l.startsWith('warn Import Users into Development of stark-industries refused')));
    });

    it('Reset Password asks for the new one hidden, and refuses a short one before sending it', async () => {
      world.answer('1234', 'another-long-password');
      await resetTestUserPassword(ctx, { ...users, username: 'ann' });
      assert.deepEqual(world.asked[0]!.refused, ['Use at least 8 characters.']);
      assert.equal(world.asked[0]!.hidden, true);
      assert.equal(await signIn('ann', 'another-long-password'), 303, 'ann signs in with the new password');
      assert.equal(await signIn('ann', SECRET_PASSWORD), 401, 'and no longer with the old one');
      await assert.rejects(
        resetTestUserPassword(ctx, { ...users, username: 'ann' }, 'short'),
        (e: UseCaseError) => e.code === 'validation_failed' && e.fields.password === 'Use at least 8 characters.',
      );
    });

    it('Delete User asks first, naming the user and what ends; dismissing it deletes nothing', async () => {
      world.answer(undefined);
      await assert.rejects(deleteTestUser(ctx, { ...users, username: 'ann' }), /Cancelled/);
      assert.equal(await signIn('ann', 'another-long-password'), 303, 'ann still signs in');
      world.answer(true);
      await deleteTestUser(ctx, { ...users, username: 'ann' });
      assert.equal(world.asked[1]!.text, 'Delete test user ann from Development of stark-industries?');
      assert.match(world.asked[1]!.detail!, /sessions end and their refresh tokens stop working/);
      assert.equal(await signIn('ann', 'another-long-password'), 401, 'ann signs in no more');
      assert.ok(!(await world.client.listTestUsers(ORG, 'development')).some((u) => u.username === 'ann'));
    });
  });

  describe('key settings in the Configure form', () => {
    const nav = { onDidChange: () => ({ dispose() {} }) } as unknown as FormNavigation;
    const ref = () => ({ orgHandle: ORG, projectHandle: 'default', componentName: consumer.name, environment: 'development' });
    const draft = (over: Partial<KeySettingsDraft> = {}): KeySettingsDraft => ({
      grantTypes: ['authorization_code', 'refresh_token'],
      callbackUrls: ['http://localhost:5173/callback'],
      postLogoutRedirectUrls: [],
      publicClient: true,
      pkceRequired: true,
      expiry: { applicationAccessToken: '3600', userAccessToken: '900', refreshToken: '86400', idToken: '3600' },
      ...over,
    });
    async function form() {
      const fake = fakePanel();
      new ConfigureAuthenticationPanel(fake.panel as never, ref(), ctx, nav);
      fake.send({ type: 'ready' });
      await fake.posts('data');
      return fake;
    }
    const last = <T = Posted>(posted: unknown[], type: string) => (posted as Posted[]).filter((m) => m.type === type).at(-1) as T | undefined;

    before(async () => {
      await generateKeys(
        ctx,
        await resolveEnvironment(ctx, { orgHandle: ORG, projectHandle: 'default', componentName: consumer.name, environment: 'development' }),
      );
    });

    it("shows the settings keys have now (the defaults) and the organization's issuer", async () => {
      const f = await form();
      const data = last<{ authConfiguration: { keySettings?: unknown }; issuer: string }>(f.posted, 'data')!;
      assert.deepEqual(data.authConfiguration.keySettings, DEFAULT_KEY_SETTINGS);
      assert.equal(data.issuer, `${world.client.baseUrl}/oauth2/${ORG}`);
    });

    it("puts each problem under its field, by the API's path, and sends nothing", async () => {
      const f = await form();
      const writes = () => sent.requests.filter((r) => r.method !== 'GET').length;
      const before = writes();
      await f.act({
        type: 'saveKeySettings',
        settings: draft({
          callbackUrls: ['http://localhost:5173/ok', 'http://app.example.com/cb'],
          expiry: { ...draft().expiry, idToken: 'soon', refreshToken: '5' },
        }),
      });
      const error = last<{ code: string; message: string; fields: Record<string, string> }>(f.posted, 'formError')!;
      assert.equal(error.code, 'validation_failed');
      assert.equal(error.message, 'Check the marked fields.');
      assert.deepEqual(error.fields, {
        'callbackUrls.1': 'Use https, or http only on 127.0.0.1, [::1] or localhost.',
        'expiry.refreshToken': 'Refresh token expiry time: at least 300 seconds.',
        'expiry.idToken': 'ID token expiry time: enter whole seconds.',
      });
      assert.equal(writes(), before, 'a draft the contract refuses is not sent');
    });

    it('says a rule across fields under the field it concerns', async () => {
      const f = await form();
      await f.act({ type: 'saveKeySettings', settings: draft({ grantTypes: ['client_credentials', 'authorization_code'], callbackUrls: [] }) });
      const error = last<{ fields: Record<string, string> }>(f.posted, 'formError')!;
      assert.deepEqual(error.fields, {
        callbackUrls: 'Authorization Code needs at least one callback URL.',
        grantTypes: 'A public client has no secret, so it cannot use Client Credentials.',
      });
    });

    it('saves Authorization Code with a callback URL: the PUT carries the settings, the form drops its draft and shows them', async () => {
      const f = await form();
      await f.act({ type: 'saveKeySettings', settings: draft({ callbackUrls: [' http://localhost:5173/callback '] }) });
      assert.equal(last(f.posted, 'formError'), undefined, JSON.stringify(last(f.posted, 'formError')));
      const put = sent.requests.filter((r) => r.method === 'PUT').at(-1)!;
      assert.equal(put.method, 'PUT');
      assert.equal(put.path, `/api/v1/orgs/${ORG}/projects/default/components/${consumer.name}/auth/development/key-settings`);
      assert.deepEqual(
        put.body,
        { ...draft(), expiry: { applicationAccessToken: 3600, userAccessToken: 900, refreshToken: 86400, idToken: 3600 } },
        'trimmed, seconds as numbers',
      );
      const types = (f.posted as Posted[]).map((m) => m.type);
      assert.ok(types.lastIndexOf('keySettingsSaved') < types.lastIndexOf('data'), 'the draft goes, then the settings as saved arrive');
      const data = last<{ authConfiguration: { keySettings: { grantTypes: string[]; callbackUrls: string[] } } }>(f.posted, 'data')!;
      assert.deepEqual(data.authConfiguration.keySettings.grantTypes, ['authorization_code', 'refresh_token']);
      assert.deepEqual(data.authConfiguration.keySettings.callbackUrls, ['http://localhost:5173/callback']);
      assert.match(String((last(f.posted, 'notice') as Posted).message), /^Key settings saved/);
    });
  });
});
