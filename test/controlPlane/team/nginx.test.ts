/**
 * Three replicas behind nginx (round robin, TLS terminated there) with deploy/nginx/choreo-control-plane.conf as it
 * is in the repository, plus the two site files it includes: the seed's whole flow over the one URL, 50 concurrent
 * creates of one name, and a revocation enforced on whichever replica answers next.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { paths } from '../../../src/api';
import { ControlPlane, freePort, tempDir } from '../helpers/controlPlane';
import { gatewayCall, ORG, PROJECT, seed, startTeam, timeUntil, token, upstream, type Team } from '../helpers/team';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const REPO_CONF = path.resolve(__dirname, '../../../deploy/nginx/choreo-control-plane.conf');

describe('team control plane: three replicas behind nginx', function () {
  this.timeout(180_000);
  let team: Team;
  let nginx: ChildProcess | undefined;
  let url: string;
  let front: ControlPlane;
  let dispatcher: Dispatcher;
  let up: Awaited<ReturnType<typeof upstream>>;

  before(async function () {
    if (!NGINX) {
      console.log('      SKIPPED: nginx is not installed (Debian package nginx-light); these tests need it.');
      this.skip();
    }
    const dir = tempDir('cp-nginx-');
    const port = await freePort();
    url = `https://127.0.0.1:${port}`;
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
    assert.equal(cert.status, 0, cert.stderr.toString());
    team = await startTeam(3, [], url);
    fs.writeFileSync(path.join(dir, 'choreo-replicas.conf'), team.replicas.map((r) => `server ${new URL(r.url).host} max_fails=2 fail_timeout=5s;`).join('\n'));
    fs.writeFileSync(path.join(dir, 'choreo-listen.conf'), `listen 127.0.0.1:${port} ssl;\nssl_certificate ${dir}/cert.pem;\nssl_certificate_key ${dir}/key.pem;\n`);
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${REPO_CONF};\n}\n`,
    );
    nginx = spawn(NGINX!, ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf')], { stdio: 'inherit' });
    dispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: fs.readFileSync(path.join(dir, 'cert.pem')) } }));
    await timeUntil(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, 10_000);
    front = Object.assign(Object.create(Object.getPrototypeOf(team.replicas[0])), team.replicas[0], { url });
    up = await upstream('behind-nginx');
  });
  after(async () => {
    if (dispatcher) setGlobalDispatcher(dispatcher);
    nginx?.kill('SIGTERM');
    await team?.stop();
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
      Array.from({ length: 50 }, () => front.call('POST', paths.components(ORG, PROJECT), { name: 'race-nginx', displayName: 'Race', type: 'external-consumer' })),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((st) => st === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((st) => st === 409).length, 49, statuses.join(','));
  });
});
