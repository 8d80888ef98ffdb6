/**
 * `serve --trusted-proxy`: a control plane behind nginx (deploy/nginx/choreo-control-plane.conf as it is, which
 * appends the address it saw to X-Forwarded-For) counts password guesses and writes audit records under the
 * caller's address, not nginx's; a caller connecting directly cannot choose its address with the header, nor can
 * one through nginx by prepending entries. People's "machines" are loopback addresses (127.0.0.10 and on); nginx
 * reaches the control plane from 127.0.0.1, the one trusted proxy.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { paths, type IssuedKeys } from '../../../src/api';
import { ControlPlane, runCli, tempDir } from '../helpers/controlPlane';
import { NGINX, nginxFront, type RunningNginx } from '../helpers/nginx';
import { ANN, appWith, CALLBACK, ENV, organizationWithUser, ORG, WEB_APP, pkce } from './fixture';
import { SignInBrowser } from './signInBrowser';

/** A management call with the admin token from a chosen loopback address (fetch cannot choose one). */
function callFrom(address: string, url: string, method: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        localAddress: address,
        headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && { 'content-type': 'application/json' }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('serve --trusted-proxy: the client behind a reverse proxy', function () {
  this.timeout(120_000);
  let cp: ControlPlane;
  let nginx: RunningNginx | undefined;
  let front: string;
  let web: IssuedKeys;

  before(async function () {
    if (!NGINX) {
      console.log('      SKIPPED: nginx is not installed (Debian package nginx-light); these tests need it.');
      this.skip();
    }
    const proxy = await nginxFront({ tls: false });
    front = proxy.url;
    cp = await ControlPlane.startBehind(front, tempDir(), ['--trusted-proxy', '127.0.0.1']);
    nginx = await proxy.start([new URL(cp.url).host]);
    await organizationWithUser(cp);
    web = await appWith(cp, 'web', WEB_APP);
    for (const username of ['dora', 'erin']) {
      assert.equal((await cp.call('POST', paths.testUsers(ORG, ENV), { username, password: `${username}s password` })).status, 201);
    }
  });
  after(async () => {
    nginx?.stop();
    await cp?.stop();
  });

  /** The sign-in, through nginx or straight to the control plane. */
  const authorizeUrl = (base: string) => {
    const url = new URL(`${base}/oauth2/${ORG}/authorize`);
    const params = { response_type: 'code', client_id: web.authConfiguration.clientId, redirect_uri: CALLBACK, scope: 'openid', state: 's' };
    for (const [k, v] of Object.entries({ ...params, code_challenge: pkce().challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    return url.href;
  };

  it('31 users tried from one address behind nginx close that address only; a person at another signs in', async () => {
    const sprayer = new SignInBrowser('127.0.0.10');
    let status = 0;
    for (let i = 0; i < 31 && status !== 429; i++) status = (await sprayer.signIn(authorizeUrl(front), `user${i}`, 'password1')).status;
    const right = await sprayer.signIn(authorizeUrl(front), ANN.username, ANN.password);
    assert.equal(right.status, 429, 'closed for every user from the address of the sprayer');
    const ann = await new SignInBrowser('127.0.0.11').signIn(authorizeUrl(front), ANN.username, ANN.password);
    assert.equal(ann.status, 303, 'Ann, through the same nginx from her own address, is not locked out');
  });

  it('a caller connecting directly is counted under its own address, whatever X-Forwarded-For it sends', async () => {
    const direct = new SignInBrowser('127.0.0.12');
    for (let i = 0; i < 6; i++) {
      const wrong = await direct.signIn(authorizeUrl(cp.url), 'dora', `guess ${i}`, { 'x-forwarded-for': `1.2.3.${i}` });
      assert.equal(wrong.status, 401);
    }
    const right = await direct.signIn(authorizeUrl(cp.url), 'dora', 'doras password', { 'x-forwarded-for': '1.2.3.99' });
    assert.equal(right.status, 429, 'the spoofed addresses were not believed: 127.0.0.12 is closed for dora');
    const dora = await new SignInBrowser('127.0.0.13').signIn(authorizeUrl(front), 'dora', 'doras password');
    assert.equal(dora.status, 303);
  });

  it('entries a caller prepends to X-Forwarded-For through nginx do not let it escape its throttle', async () => {
    const guesser = new SignInBrowser('127.0.0.14');
    // nginx turns each into "9.9.9.i, 127.0.0.14": the right-most entry that is not a trusted proxy is the caller.
    for (let i = 0; i < 6; i++) {
      const wrong = await guesser.signIn(authorizeUrl(front), 'erin', `guess ${i}`, { 'x-forwarded-for': `9.9.9.${i}` });
      assert.equal(wrong.status, 401);
    }
    const right = await guesser.signIn(authorizeUrl(front), 'erin', 'erins password', { 'x-forwarded-for': '9.9.9.9' });
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers['retry-after']) > 0);
    const erin = await new SignInBrowser('127.0.0.15').signIn(authorizeUrl(front), 'erin', 'erins password');
    assert.equal(erin.status, 303);
  });

  it("the audit log names the caller behind nginx, and a direct caller's own address whatever it forwards", async () => {
    const through = await callFrom(
      '127.0.0.16',
      `${front}${paths.projects(ORG)}`,
      'POST',
      cp.token,
      { name: 'Through Nginx' },
      { 'x-forwarded-for': '9.9.9.9' },
    );
    assert.equal(through.status, 201, JSON.stringify(through.body));
    const direct = await callFrom('127.0.0.17', `${cp.url}${paths.projects(ORG)}`, 'POST', cp.token, { name: 'Direct' }, { 'x-forwarded-for': '198.51.100.7' });
    assert.equal(direct.status, 201, JSON.stringify(direct.body));
    const log = await cp.call('GET', `${paths.audit(ORG)}?limit=2`);
    assert.equal(log.status, 200, log.text);
    const [second, first] = log.body.items;
    assert.equal(first.resource, paths.projects(ORG));
    assert.equal(first.address, '127.0.0.16');
    assert.equal(second.address, '127.0.0.17');
  });

  it('a bad --trusted-proxy value is refused at start, naming it', async () => {
    for (const bad of ['10.0.0.0/33', 'nginx.internal', '127.0.0.1,,10.0.0.0/8', '::1/129']) {
      const r = await runCli(['serve', '--data', tempDir(), '--port', '0', '--trusted-proxy', bad]);
      assert.equal(r.code, 2, r.stderr);
      const entry = bad.split(',').find((e) => !/^(127\.0\.0\.1|10\.0\.0\.0\/8)$/.test(e));
      assert.ok(r.stderr.includes(`--trusted-proxy: "${entry}" is not an IP address or a CIDR range`), r.stderr);
      assert.equal(r.stdout, '', 'never listening');
    }
  });
});
