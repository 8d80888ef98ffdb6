/**
 * The role matrix, generated from the route table (ACCESS in src/api/routes.ts): every management route is called
 * by every kind of caller, and each answer is checked against the route's rule. A route the server registers without
 * a rule stops the server from starting (tested below), so it cannot slip past this matrix.
 */
import { strict as assert } from 'node:assert';
import { ROLE_NAMES, roleAtLeast, type Role } from '../../../src/api/members';
import { ACCESS, API_PREFIX, paths, type Access } from '../../../src/api/routes';
import { Router } from '../../../src/controlPlane/http/router';
import { startTeamServer, TEAM_STORES, type TeamServer, type TeamStore } from './teamServer';
import { PEOPLE, startUsersIdentityProvider, type UsersIdentityProvider } from './usersIdentityProvider';

type Caller = 'operator' | 'admin' | 'developer' | 'viewer' | 'token' | 'outsider' | 'other-issuer' | 'expired' | 'wrong-audience' | 'none';
const CALLERS: Caller[] = ['none', 'other-issuer', 'expired', 'wrong-audience', 'outsider', 'token', 'viewer', 'developer', 'admin', 'operator'];

/** What the rule says a caller gets: allowed, 401, 403, or 404 (an organization the caller is not in). */
function expected(access: Access, caller: Caller): 'allowed' | 401 | 403 | 404 {
  if (caller === 'none' || caller === 'other-issuer' || caller === 'expired' || caller === 'wrong-audience') return 401;
  if (caller === 'operator') return access === 'user' ? 403 : 'allowed';
  if (access === 'operator') return 403;
  if (access === 'any') return 'allowed';
  if (access === 'people' || access === 'user') return caller === 'token' ? 403 : 'allowed';
  if (access.person && caller === 'token') return 403;
  if (caller === 'outsider') return 404;
  // The token is Dave's (a Developer) with the Viewer role.
  const role: Role = caller === 'token' ? 'viewer' : caller;
  return roleAtLeast(role, access.org) ? 'allowed' : 403;
}

describe('role matrix (generated from the route table)', function () {
  this.timeout(240_000);
  /** The same people and identity provider on a data folder and on PostgreSQL. */
  const servers = {} as Record<TeamStore, TeamServer>;
  let team: TeamServer;
  let other: UsersIdentityProvider;
  const bad: Partial<Record<Caller, string>> = {};

  before(async () => {
    team = servers['file store'] = await startTeamServer();
    servers.PostgreSQL = await startTeamServer('PostgreSQL', team.idp);
    other = await startUsersIdentityProvider();
    bad['other-issuer'] = (await other.signIn('ann')).access_token;
    bad['wrong-audience'] = (await team.idp.signIn('ann', 'urn:another:api')).access_token;
    team.idp.accessTokenTtlSec = 1;
    bad.expired = (await team.idp.signIn('ann')).access_token;
    team.idp.accessTokenTtlSec = 300;
    // Past its expiry and the server's 5 s clock tolerance.
    await new Promise((r) => setTimeout(r, 7_000));
  });
  after(async () => {
    await servers.PostgreSQL?.close();
    await team?.close();
    await other?.close();
  });

  it('refuses to register a route that has no rule', () => {
    assert.throws(() => new Router([]).api('GET', '/orgs/:org/something-new', () => ({ status: 200 })), /no access rule: add it to ACCESS/);
  });

  for (const store of TEAM_STORES)
    it(`answers every route for every caller as its rule says (${store})`, async () => {
      const team = servers[store];
      const failures: string[] = [];
      let checked = 0;
      for (const [route, access] of Object.entries(ACCESS)) {
        const [method, template] = route.split(' ');
        let org = await team.organization();
        const pat = await team.cp.call(
          'POST',
          paths.tokens(),
          { name: 'ci', orgHandle: org.handle, role: 'viewer', expiresInDays: 1 },
          { token: team.tokens.dev },
        );
        assert.equal(pat.status, 201, pat.text);
        const tokenOf: Record<Caller, string | null> = {
          operator: team.cp.token,
          admin: team.tokens.ann,
          developer: team.tokens.dev,
          viewer: team.tokens.vic,
          outsider: team.tokens.out,
          token: pat.body.secret,
          'other-issuer': bad['other-issuer']!,
          expired: bad.expired!,
          'wrong-audience': bad['wrong-audience']!,
          none: null,
        };
        for (const caller of CALLERS) {
          const path = API_PREFIX + template.replace(/:org\b/, org.handle).replace(/:\w+/g, 'no-such-thing');
          const body = method === 'GET' || method === 'DELETE' ? undefined : {};
          const res = await team.cp.call(method, path, body, { token: tokenOf[caller] });
          const want = expected(access, caller);
          const code = res.body?.error?.code;
          const message: string = res.body?.error?.message ?? '';
          let ok: boolean;
          if (want === 'allowed') {
            // Past the rule: the handler answered (a missing project, an empty body), not the guard; and the route exists.
            ok =
              res.status !== 401 &&
              res.status !== 403 &&
              !message.startsWith(`There is no organization "${org.handle}"`) &&
              !message.startsWith(`There is no ${method}`);
          } else if (want === 404) {
            ok = res.status === 404 && message.startsWith(`There is no organization "${org.handle}"`);
          } else if (want === 403) {
            ok = res.status === 403 && code === 'forbidden';
            if (ok && typeof access === 'object' && access.person && caller === 'token') {
              ok = message.startsWith('A personal access token cannot do this');
            } else if (ok && typeof access === 'object') {
              // Which role is needed, and who the Admins are.
              ok = message.includes(`needs the ${ROLE_NAMES[access.org]} role`) && message.includes(`${PEOPLE.ann.name} <${PEOPLE.ann.email}>`);
            }
          } else {
            ok = res.status === 401 && code === 'unauthorized' && /^Bearer /.test(res.headers.get('www-authenticate') ?? '');
          }
          checked++;
          if (!ok) failures.push(`${route} as ${caller}: expected ${want}, got ${res.status} ${res.text.slice(0, 200)}`);
          // A delete that went through may have taken the organization (or a member) with it: the next caller gets a new one.
          if (res.status === 204 && method === 'DELETE') org = await team.organization();
        }
      }
      assert.deepEqual(failures, []);
      assert.equal(checked, Object.keys(ACCESS).length * CALLERS.length);
    });

  it('says why a token of another issuer, an expired one and one for another audience are refused', async () => {
    const why = async (token: string) => (await team.cp.call('GET', paths.orgs(), undefined, { token })).body.error.message as string;
    assert.match(await why(bad['other-issuer']!), /issued by http:\/\/127\.0\.0\.1:\d+, not by this server's identity provider/);
    assert.match(await why(bad.expired!), /has expired\. Sign in again/);
    assert.match(await why(bad['wrong-audience']!), /another audience/);
  });
});
