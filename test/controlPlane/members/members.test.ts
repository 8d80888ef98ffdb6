/** Members, invitations, roles, personal access tokens and the audit log, against the control plane process with
 * oidc-provider as the company's identity provider. */
import { strict as assert } from 'node:assert';
import { paths } from '../../../src/api/routes';
import { ControlPlane, runCli } from '../helpers/controlPlane';
import { startTeamServer, TEAM_STORES, teamServerArgs, type TeamServer } from './teamServer';
import { EXTENSION_CLIENT_ID, PEOPLE } from './usersIdentityProvider';

for (const store of TEAM_STORES)
  describe(`team members (${store})`, function () {
    this.timeout(120_000);
    let team: TeamServer;
    const as = (token: string) => ({ token });

    before(async () => {
      team = await startTeamServer(store);
    });
    after(async () => team?.close());

    it('tells clients how to sign in, without a token', async () => {
      const res = await fetch(team.cp.url + paths.signIn());
      const info = await res.json();
      assert.equal(res.status, 200);
      assert.equal(info.issuer, team.idp.issuer);
      assert.equal(info.clientId, EXTENSION_CLIENT_ID);
      assert.equal(info.deviceAuthorizationEndpoint, `${team.idp.issuer}/device/auth`);
      assert.equal(info.tokenEndpoint, `${team.idp.issuer}/token`);
      assert.equal(info.revocationEndpoint, `${team.idp.issuer}/token/revocation`);
      assert.ok(info.scopes.includes('offline_access'));
    });

    it('shows each person only their organizations; the creator is Admin', async () => {
      const org = await team.organization();
      const mine = async (token: string) => (await team.cp.call('GET', paths.orgs(), undefined, as(token))).body.items.map((o: any) => o.handle);
      assert.ok((await mine(team.tokens.ann)).includes(org.handle));
      assert.ok((await mine(team.tokens.vic)).includes(org.handle));
      assert.ok(!(await mine(team.tokens.out)).includes(org.handle));
      assert.ok((await mine(team.cp.token)).includes(org.handle), 'the operator sees every organization');
      const me = (await team.cp.call('GET', paths.me(), undefined, as(team.tokens.ann))).body;
      assert.equal(me.user.name, PEOPLE.ann.name);
      assert.equal(me.user.email, PEOPLE.ann.email);
      assert.deepEqual(
        me.memberships.find((m: any) => m.orgHandle === org.handle),
        { orgHandle: org.handle, role: 'admin' },
      );
    });

    it('keeps an invitation pending until that person first signs in', async () => {
      const org = await team.organization();
      const invited = await team.cp.call('POST', paths.members(org.handle), { email: 'newcomer@stark.example', role: 'developer' }, as(team.tokens.ann));
      assert.equal(invited.status, 201, invited.text);
      assert.equal(invited.body.status, 'pending');
      const newcomer = (await team.idp.signIn('newcomer')).access_token;
      const orgs = (await team.cp.call('GET', paths.orgs(), undefined, as(newcomer))).body.items.map((o: any) => o.handle);
      assert.deepEqual(orgs, [org.handle]);
      const list = (await team.cp.call('GET', paths.members(org.handle), undefined, as(team.tokens.vic))).body.items;
      const member = list.find((m: any) => m.invitedEmail === 'newcomer@stark.example');
      assert.equal(member.status, 'active');
      assert.equal(member.user.subject, 'newcomer');
      const again = await team.cp.call('POST', paths.members(org.handle), { subject: 'newcomer', role: 'viewer' }, as(team.tokens.ann));
      assert.equal(again.status, 409);
    });

    it('changes roles and removes members; the last Admin can neither leave nor be demoted', async () => {
      const org = await team.organization();
      const list = async () => (await team.cp.call('GET', paths.members(org.handle), undefined, as(team.tokens.ann))).body.items as any[];
      const ann = (await list()).find((m) => m.user?.subject === 'ann');
      const dev = (await list()).find((m) => m.user?.subject === 'dev');
      const demote = await team.cp.call('PATCH', paths.member(org.handle, ann.id), { role: 'developer' }, as(team.tokens.ann));
      assert.equal(demote.status, 409);
      assert.match(demote.body.error.message, /last Admin/);
      assert.equal((await team.cp.call('DELETE', paths.leave(org.handle), undefined, as(team.tokens.ann))).status, 409);
      assert.equal((await team.cp.call('DELETE', paths.member(org.handle, ann.id), undefined, as(team.tokens.ann))).status, 409);
      // Dave becomes Admin; then Ann may leave.
      assert.equal((await team.cp.call('PATCH', paths.member(org.handle, dev.id), { role: 'admin' }, as(team.tokens.ann))).body.role, 'admin');
      assert.equal((await team.cp.call('DELETE', paths.leave(org.handle), undefined, as(team.tokens.ann))).status, 204);
      assert.equal((await team.cp.call('GET', paths.org(org.handle), undefined, as(team.tokens.ann))).status, 404);
      // Vic is removed by Dave, and loses the organization at once.
      const vic = (await team.cp.call('GET', paths.members(org.handle), undefined, as(team.tokens.dev))).body.items.find((m: any) => m.user?.subject === 'vic');
      assert.equal((await team.cp.call('DELETE', paths.member(org.handle, vic.id), undefined, as(team.tokens.dev))).status, 204);
      assert.equal((await team.cp.call('GET', paths.projects(org.handle), undefined, as(team.tokens.vic))).status, 404);
    });

    it('personal access tokens: made for one organization, used, listed with last use, revoked → 401 on the next call', async () => {
      const org = await team.organization();
      const tooHigh = await team.cp.call('POST', paths.tokens(), { name: 'ci', orgHandle: org.handle, role: 'admin', expiresInDays: 30 }, as(team.tokens.dev));
      assert.equal(tooHigh.status, 403);
      assert.match(tooHigh.body.error.message, /You are a Developer/);
      const tooLong = await team.cp.call('POST', paths.tokens(), { name: 'ci', orgHandle: org.handle, role: 'viewer', expiresInDays: 91 }, as(team.tokens.dev));
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body.error.message, /at most 90 days/);

      const made = await team.cp.call('POST', paths.tokens(), { name: 'ci', orgHandle: org.handle, role: 'developer', expiresInDays: 30 }, as(team.tokens.dev));
      assert.equal(made.status, 201, made.text);
      const secret: string = made.body.secret;
      assert.match(secret, /^choreo_pat_/);
      const created = await team.cp.call('POST', paths.projects(org.handle), { name: 'From CI' }, as(secret));
      assert.equal(created.status, 201, created.text);
      assert.equal((await team.cp.call('GET', paths.orgs(), undefined, as(secret))).body.items.length, 1, 'a token sees its one organization');
      assert.equal((await team.cp.call('POST', paths.orgs(), { name: 'Token Org' }, as(secret))).status, 403);
      assert.equal((await team.cp.call('GET', paths.tokens(), undefined, as(secret))).status, 403, 'a token cannot make tokens');

      const listed = (await team.cp.call('GET', paths.tokens(), undefined, as(team.tokens.dev))).body.items.find((t: any) => t.id === made.body.token.id);
      assert.ok(listed.lastUsedAt, 'last use is listed');
      assert.equal(JSON.stringify(listed).includes(secret), false);
      // The store keeps a hash, never the token.
      const stored = await team.stored();
      assert.ok(stored.includes(made.body.token.id), "the check sees the token's record");
      assert.equal(stored.includes(secret.slice('choreo_pat_'.length)), false);

      assert.equal((await team.cp.call('DELETE', paths.token(made.body.token.id), undefined, as(team.tokens.ann))).status, 404, 'only its owner revokes it');
      assert.equal((await team.cp.call('DELETE', paths.token(made.body.token.id), undefined, as(team.tokens.dev))).status, 204);
      const after = await team.cp.call('GET', paths.projects(org.handle), undefined, as(secret));
      assert.equal(after.status, 401);
      assert.match(after.body.error.message, /revoked/);
    });

    it("a token acts with at most its owner's role now", async () => {
      const org = await team.organization();
      const made = await team.cp.call('POST', paths.tokens(), { name: 'ci', orgHandle: org.handle, role: 'developer', expiresInDays: 1 }, as(team.tokens.dev));
      const dev = (await team.cp.call('GET', paths.members(org.handle), undefined, as(team.tokens.ann))).body.items.find((m: any) => m.user?.subject === 'dev');
      await team.cp.call('PATCH', paths.member(org.handle, dev.id), { role: 'viewer' }, as(team.tokens.ann));
      const refused = await team.cp.call('POST', paths.projects(org.handle), { name: 'Nope' }, as(made.body.secret));
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /this token acts as a Viewer/);
    });

    it('records every write with who, what, from where and the result; Admins only', async () => {
      const org = await team.organization();
      await team.cp.call('POST', paths.projects(org.handle), { name: 'Audited' }, as(team.tokens.dev));
      await team.cp.call('POST', paths.projects(org.handle), { name: 'Refused' }, as(team.tokens.vic));
      const page = await team.cp.call('GET', `${paths.audit(org.handle)}?limit=3`, undefined, as(team.tokens.ann));
      assert.equal(page.status, 200, page.text);
      const [refused, created] = page.body.items;
      assert.equal(refused.actor.name, `${PEOPLE.vic.name} <${PEOPLE.vic.email}>`);
      assert.equal(refused.result, 'refused');
      assert.equal(refused.status, 403);
      assert.equal(created.actor.name, `${PEOPLE.dev.name} <${PEOPLE.dev.email}>`);
      assert.equal(created.action, 'POST /orgs/:org/projects');
      assert.equal(created.resource, paths.projects(org.handle));
      assert.equal(created.result, 'succeeded');
      assert.equal(created.address, '127.0.0.1');
      assert.ok(page.body.nextCursor, 'more entries follow: the invitations and the creation');
      const rest = await team.cp.call('GET', `${paths.audit(org.handle)}?cursor=${page.body.nextCursor}`, undefined, as(team.tokens.ann));
      const actions = rest.body.items.map((e: any) => `${e.action} by ${e.actor.name}`);
      assert.deepEqual(actions.slice(-1), [`POST /orgs by ${PEOPLE.ann.name} <${PEOPLE.ann.email}>`]);
      assert.equal((await team.cp.call('GET', paths.audit(org.handle), undefined, as(team.tokens.dev))).status, 403);
    });

    if (store !== 'file store') return;

    it('a server without --users-idp says how else to call it', async () => {
      const plain = await ControlPlane.start();
      try {
        const res = await plain.call('GET', paths.signIn(), undefined, { token: null });
        assert.equal(res.status, 404);
        assert.match(res.body.error.message, /started without --users-idp/);
      } finally {
        await plain.stop();
      }
    });

    it('refuses --users-idp without --users-client-id', async () => {
      const args = teamServerArgs(team.idp);
      const r = await runCli(['serve', '--data', team.cp.dataDir + '-x', '--port', '0', args[0], args[1]]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--users-idp and --users-client-id go together/);
    });
  });
