/**
 * Issue 22, rows 5 and 7: access checks decide on what the write commits against, and a personal access token acts
 * within its role. The control plane runs in this process (file store, and PostgreSQL with no cache) so that a test
 * can hold a request between its access check and its handler (`afterAccessCheck`) and change what the check decided
 * on meanwhile: a deterministic interleaving, not rounds of a race.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../../../src/api/members';
import { paths } from '../../../src/api/routes';
import { auditMarkdown } from '../../../src/commands/auditLogMarkdown';
import type { RouteContext } from '../../../src/controlPlane/http/router';
import { startControlPlane, type RunningControlPlane } from '../../../src/controlPlane/server';
import type { TeamDatabase } from '../../../src/controlPlane/backend';
import { loadOrCreateAdminToken } from '../../../src/controlPlane/http/auth';
import { runCli, tempDir } from '../helpers/controlPlane';
import { sharedCluster } from '../helpers/postgres';
import { TEAM_STORES, type TeamStore } from './teamServer';
import { EXTENSION_CLIENT_ID, IMPOSTORS, PEOPLE, startUsersIdentityProvider, TEAM_AUDIENCE, type UsersIdentityProvider } from './usersIdentityProvider';

type Who = keyof typeof PEOPLE;

/** Requests held after their access check: the next request of `route` by `who` waits there until released. */
class Holds {
  private readonly waiting = new Map<string, { reached: () => void; released: Promise<void> }>();

  hold(route: string, who: string): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    this.waiting.set(`${route} ${who}`, { reached, released });
    return { reached: reachedP, release };
  }

  readonly hook = async (route: string, ctx: RouteContext): Promise<void> => {
    const key = `${route} ${ctx.principal?.id}`;
    const h = this.waiting.get(key);
    if (!h) return;
    this.waiting.delete(key);
    h.reached();
    await h.released;
  };
}

export interface InProcessTeam {
  url: string;
  /** The operator's. */
  adminToken: string;
  tokens: Record<Who, string>;
  /** The user id of each person (what the hold is keyed by). */
  ids: Record<Who, string>;
  holds: Holds;
  call(method: string, path: string, body: unknown, token: string): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

export async function startInProcessTeam(store: TeamStore, idp: UsersIdentityProvider): Promise<InProcessTeam> {
  const holds = new Holds();
  const usersIdp = { wellKnownUrl: idp.wellKnownUrl, clientId: EXTENSION_CLIENT_ID, audience: TEAM_AUDIENCE };
  let where: { dataDir: string } | { database: TeamDatabase };
  let adminToken: string;
  if (store === 'PostgreSQL') {
    const databaseUrl = await (await sharedCluster()).createDatabase('access');
    const encryptionKey = randomBytes(32);
    const made = await runCli(['admin-token'], { CHOREO_DATABASE_URL: databaseUrl, CHOREO_ENCRYPTION_KEY: encryptionKey.toString('hex') });
    assert.equal(made.code, 0, made.stderr);
    adminToken = made.stdout.trim();
    where = { database: { databaseUrl, encryptionKey, cacheEntries: 0 } };
  } else {
    const dataDir = tempDir();
    adminToken = loadOrCreateAdminToken(dataDir);
    where = { dataDir };
  }
  const cp: RunningControlPlane = await startControlPlane({ ...where, host: '127.0.0.1', port: 0, usersIdp, afterAccessCheck: holds.hook });
  const call = async (method: string, path: string, body: unknown, token: string) => {
    const res = await fetch(cp.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  for (const who of Object.keys(PEOPLE) as Who[]) {
    tokens[who] = (await idp.signIn(who)).access_token;
    const me = await call('GET', paths.me(), undefined, tokens[who]);
    assert.equal(me.status, 200, me.text);
    ids[who] = me.body.user.id;
  }
  return { url: cp.url, adminToken, tokens, ids, holds, call, close: () => cp.close() };
}

for (const store of TEAM_STORES)
  describe(`access checks hold until the write commits (${store})`, function () {
    this.timeout(120_000);
    let idp: UsersIdentityProvider;
    let team: InProcessTeam;
    let n = 0;

    before(async () => {
      idp = await startUsersIdentityProvider();
      team = await startInProcessTeam(store, idp);
    });
    after(async () => {
      await team?.close();
      await idp?.close();
    });

    const must = async (status: number, r: Promise<{ status: number; text: string; body: any }>) => {
      const got = await r;
      assert.equal(got.status, status, got.text);
      return got.body;
    };
    const newOrg = async () => {
      const handle = `harbor-${++n}-${randomBytes(3).toString('hex')}`;
      await must(201, team.call('POST', paths.orgs(), { name: `Harbor ${handle}`, handle }, team.tokens.ann));
      return handle;
    };
    const memberOf = async (handle: string, who: string) =>
      ((await must(200, team.call('GET', paths.members(handle), undefined, team.tokens.ann))).items as any[]).find(
        (m) => m.user?.subject === (PEOPLE[who]?.subject ?? who),
      );

    it('issue 22 row 5: a route on an organization that does not exist yet is a 404, even when it is created before the handler would run', async () => {
      const handle = `harbor-${++n}-${randomBytes(3).toString('hex')}`;
      const held = team.holds.hold('POST /orgs/:org/members', team.ids.out);
      // Olga makes herself Admin of an organization Ann is about to create.
      const attempt = team.call('POST', paths.members(handle), { subject: PEOPLE.out.subject, role: 'admin' }, team.tokens.out);
      const first = await Promise.race([held.reached.then(() => 'held' as const), attempt.then(() => 'answered' as const)]);
      await must(201, team.call('POST', paths.orgs(), { name: `Harbor ${handle}`, handle }, team.tokens.ann));
      held.release();
      const answer = await attempt;
      assert.equal(answer.status, 404, `the outsider's invitation of herself was answered ${answer.status} (${first}): ${answer.text}`);
      assert.equal(answer.body.error.code, 'not_found');
      assert.equal(await memberOf(handle, 'out'), undefined, 'the outsider is no member');
      assert.equal((await team.call('GET', paths.org(handle), undefined, team.tokens.out)).status, 404);
    });

    it('issue 22 row 5: a membership written under an Admin role taken away before the write commits is refused, and nothing is written', async () => {
      const handle = await newOrg();
      await must(201, team.call('POST', paths.members(handle), { subject: PEOPLE.dev.subject, role: 'admin' }, team.tokens.ann));
      const held = team.holds.hold('POST /orgs/:org/members', team.ids.dev);
      // Dave, an Admin when checked, invites Olga as Admin; Ann demotes Dave to Viewer before Dave's write.
      const attempt = team.call('POST', paths.members(handle), { subject: PEOPLE.out.subject, role: 'admin' }, team.tokens.dev);
      await held.reached;
      const dave = await memberOf(handle, 'dev');
      await must(200, team.call('PATCH', paths.member(handle, dave.id), { role: 'viewer' }, team.tokens.ann));
      held.release();
      const answer = await attempt;
      assert.equal(answer.status, 403, answer.text);
      assert.equal(answer.body.error.code, 'forbidden');
      assert.match(
        answer.body.error.message,
        /role in organization "harbor-[^"]+" changed while this request ran; it needs the Admin role\. Nothing was changed\./,
      );
      assert.equal(await memberOf(handle, 'out'), undefined, 'no membership was written');
      assert.equal((await team.call('GET', paths.org(handle), undefined, team.tokens.out)).status, 404);
    });

    it('issue 22 row 5: a removal made with a personal access token revoked before the write commits is refused', async () => {
      const handle = await newOrg();
      await must(201, team.call('POST', paths.members(handle), { subject: PEOPLE.vic.subject, role: 'viewer' }, team.tokens.ann));
      const made = await must(201, team.call('POST', paths.tokens(), { name: 'ci', orgHandle: handle, role: 'admin', expiresInDays: 1 }, team.tokens.ann));
      const vic = await memberOf(handle, 'vic');
      const held = team.holds.hold('DELETE /orgs/:org/members/:member', team.ids.ann);
      const attempt = team.call('DELETE', paths.member(handle, vic.id), undefined, made.secret);
      await held.reached;
      await must(204, team.call('DELETE', paths.token(made.token.id), undefined, team.tokens.ann));
      held.release();
      const answer = await attempt;
      assert.equal(answer.status, 403, answer.text);
      assert.match(answer.body.error.message, /token was revoked while the request ran/);
      assert.ok(await memberOf(handle, 'vic'), 'Vic is still a member');
    });

    it('issue 22 row 7: a Viewer-role personal access token of an Admin cannot make its owner leave', async () => {
      const handle = await newOrg();
      await must(201, team.call('POST', paths.members(handle), { subject: PEOPLE.dev.subject, role: 'admin' }, team.tokens.ann));
      const made = await must(201, team.call('POST', paths.tokens(), { name: 'reader', orgHandle: handle, role: 'viewer', expiresInDays: 1 }, team.tokens.ann));
      const left = await team.call('DELETE', paths.leave(handle), undefined, made.secret);
      assert.equal(left.status, 403, left.text);
      assert.equal(left.body.error.code, 'forbidden');
      assert.match(left.body.error.message, /Sign in as yourself to leave/);
      assert.equal((await memberOf(handle, 'ann')).role, 'admin', 'Ann is still an Admin');
      assert.equal((await team.call('GET', paths.projects(handle), undefined, made.secret)).status, 200, 'the token still works');
      // Ann herself may leave (Dave remains an Admin).
      assert.equal((await team.call('DELETE', paths.leave(handle), undefined, team.tokens.ann)).status, 204);
    });
    it('issue 22 row 8: the audit log names each person by subject and issuer beside the name they gave, and Show Audit Log shows both', async () => {
      const handle = await newOrg();
      await must(201, team.call('POST', paths.projects(handle), { name: `Ann's Project` }, team.tokens.ann));
      // Mallory, outside the organization, gives Ann's name and email as her own and tries a write.
      const mallory = (await idp.signIn('mallory')).access_token;
      assert.equal((await team.call('POST', paths.projects(handle), { name: 'Mallory' }, mallory)).status, 404);
      const entries = (await must(200, team.call('GET', paths.audit(handle), undefined, team.tokens.ann))).items as AuditEntry[];
      const ann = entries.find((e) => e.action === 'POST /orgs/:org/projects' && e.result === 'succeeded')!;
      const imp = entries.find((e) => e.action === 'POST /orgs/:org/projects' && e.result === 'refused')!;
      assert.equal(ann.actor.name, imp.actor.name, 'the names read alike: that is the attack');
      assert.deepEqual([ann.actor.subject, ann.actor.issuer], [PEOPLE.ann.subject, idp.issuer]);
      assert.deepEqual([imp.actor.subject, imp.actor.issuer], [IMPOSTORS.mallory.subject, idp.issuer]);
      const rows = auditMarkdown(handle, [ann, imp], false)
        .split('\n')
        .filter((l) => l.includes('POST /orgs/:org/projects'));
      assert.equal(rows.length, 2);
      assert.match(rows[0], new RegExp(`\\| ann at ${idp.issuer.replace(/[.]/g, '\\.')} \\|`));
      assert.match(rows[1], new RegExp(`\\| mallory at ${idp.issuer.replace(/[.]/g, '\\.')} \\|`));
    });

    it('issue 22 row 9: a membership made at sign-in (an invitation accepted) is in the audit log', async () => {
      const handle = await newOrg();
      const login = `newcomer${++n}${randomBytes(2).toString('hex')}`;
      await must(201, team.call('POST', paths.members(handle), { email: `${login}@stark.example`, role: 'developer' }, team.tokens.ann));
      const newcomer = (await idp.signIn(login)).access_token;
      await must(200, team.call('GET', paths.me(), undefined, newcomer));
      const entries = (await must(200, team.call('GET', paths.audit(handle), undefined, team.tokens.ann))).items as AuditEntry[];
      const accepted = entries.filter((e) => e.action === 'sign-in: invitation accepted');
      assert.equal(accepted.length, 1, JSON.stringify(entries.map((e) => e.action)));
      const member = await memberOf(handle, login);
      assert.equal(accepted[0].resource, `${paths.members(handle)}/${member.id}`);
      assert.deepEqual([accepted[0].actor.subject, accepted[0].actor.kind, accepted[0].result], [login, 'user', 'succeeded']);
      // A second sign-in makes no second record.
      await must(200, team.call('GET', paths.me(), undefined, (await idp.signIn(login)).access_token));
      const again = (await must(200, team.call('GET', paths.audit(handle), undefined, team.tokens.ann))).items as AuditEntry[];
      assert.equal(again.filter((e) => e.action === 'sign-in: invitation accepted').length, 1);
    });

    it("issue 22 row 9: the operator reads a deleted organization's audit log by its id; no one else may", async () => {
      const handle = await newOrg();
      const org = await must(200, team.call('GET', paths.org(handle), undefined, team.tokens.ann));
      await must(201, team.call('POST', paths.projects(handle), { name: 'Before Deletion' }, team.tokens.ann));
      await must(204, team.call('DELETE', paths.org(handle), undefined, team.tokens.ann));
      const log = await must(200, team.call('GET', paths.operatorAudit(org.id), undefined, team.adminToken));
      const actions = (log.items as AuditEntry[]).map((e) => e.action);
      assert.deepEqual(actions.slice(0, 2), ['DELETE /orgs/:org', 'POST /orgs/:org/projects']);
      assert.ok((log.items as AuditEntry[]).every((e) => e.orgId === org.id));
      assert.equal((await team.call('GET', paths.operatorAudit(org.id), undefined, team.tokens.ann)).status, 403, 'not for its former Admin');
      const unknown = await team.call('GET', paths.operatorAudit('7d8e9f00-0000-4000-8000-000000000000'), undefined, team.adminToken);
      assert.equal(unknown.status, 404, unknown.text);
      // A live organization by its handle.
      const live = await newOrg();
      assert.ok((await must(200, team.call('GET', paths.operatorAudit(live), undefined, team.adminToken))).items.length > 0);
    });
  });
