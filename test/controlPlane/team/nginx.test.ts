/**
 * Three replicas behind nginx (round robin, TLS terminated there) with deploy/nginx/choreo-control-plane.conf as it
 * is in the repository, plus the two site files it includes: the seed's whole flow over the one URL, 50 concurrent
 * creates of one name, and a revocation enforced on whichever replica answers next.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { paths } from '../../../src/api';
import type { ControlPlane } from '../helpers/controlPlane';
import { NGINX, startTeamBehindNginx, type TeamBehindNginx } from '../helpers/nginx';
import { gatewayCall, ORG, PROJECT, seed, timeUntil, token, upstream } from '../helpers/team';

describe('team control plane: three replicas behind nginx', function () {
  this.timeout(180_000);
  let behind: TeamBehindNginx | undefined;
  let url: string;
  let front: ControlPlane;
  let dispatcher: Dispatcher;
  let up: Awaited<ReturnType<typeof upstream>>;

  before(async function () {
    if (!NGINX) {
      console.log('      SKIPPED: nginx is not installed (Debian package nginx-light); these tests need it.');
      this.skip();
    }
    behind = await startTeamBehindNginx(3);
    url = behind.url;
    dispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: fs.readFileSync(behind.certFile!) } }));
    const first = behind.team.replicas[0];
    front = Object.assign(Object.create(Object.getPrototypeOf(first)), first, { url });
    up = await upstream('behind-nginx');
  });
  after(async () => {
    if (dispatcher) setGlobalDispatcher(dispatcher);
    await behind?.stop();
    await up?.close();
  });

  it('runs the seed flow over the one URL and enforces a revocation on whichever replica answers', async () => {
    const s = await seed(front, up.url);
    for (let i = 0; i < 6; i++) {
      const t = await token(url, s.clientId, s.secret);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.deepEqual(await gatewayCall(url, s, t.accessToken!), { status: 200, text: 'behind-nginx' });
    }
    const regen = await front.call('POST', `${paths.authFor(ORG, PROJECT, s.consumer, 'development')}/regenerate-secret`);
    assert.equal(regen.status, 200);
    // Three answers in a row (round robin: each replica) refuse the old secret within the bound.
    const ms = await timeUntil(async () => {
      for (let i = 0; i < 3; i++) if ((await token(url, s.clientId, s.secret)).status !== 401) return false;
      return true;
    });
    assert.ok(ms < 1_000, `${ms} ms`);
  });

  it('gives exactly one 201 for 50 concurrent creates of one name', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        front.call('POST', paths.components(ORG, PROJECT), { name: 'race-nginx', displayName: 'Race', type: 'external-consumer' }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((st) => st === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((st) => st === 409).length, 49, statuses.join(','));
  });
});
