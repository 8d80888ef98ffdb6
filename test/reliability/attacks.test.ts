/**
 * Issue 14: the probe of the control plane as an attacker would make it, one test per row, over raw sockets where
 * framing matters. Two organizations each have a service on one recording upstream (a raw TCP server that logs
 * every request it reads), consumers with built-in keys and connections; a small OpenID provider of the test's own
 * signs whatever token shapes a row needs.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../src/api/routes';
import { ControlPlane, freePort, tempDir } from '../controlPlane/helpers/controlPlane';
import { builtInToken, head, rawExchange, RecordingUpstream, seedOrg, TestIssuer, type OrgWorld, type RecordedRequest } from './helpers/raw';
import { printFigures } from './helpers/world';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('attacks of issue 14 (raw sockets, two organizations, a recording upstream)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let upstream: RecordingUpstream;
  let a: OrgWorld;
  let b: OrgWorld;
  const figures: Record<string, string> = {};

  const get = (w: OrgWorld, rest: string, extra: Array<[string, string]> = []) =>
    rawExchange(cp.url, head('GET', `${w.gw}${rest}`, cp.url, [['Authorization', `Bearer ${w.token}`], ['Connection', 'close'], ...extra]));
  /** What reached the upstream while `run` ran (and 50 ms after). */
  async function seen(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
    const from = upstream.requests.length;
    await run();
    await sleep(50);
    return upstream.requests.slice(from);
  }

  before(async () => {
    upstream = await RecordingUpstream.start();
    cp = await ControlPlane.start(tempDir('rel-attacks-'));
    a = await seedOrg(cp, 'Org A', 'svc-a', upstream.url);
    b = await seedOrg(cp, 'Org B', 'svc-b', upstream.url);
  });
  after(async () => {
    await cp?.stop();
    await upstream?.close();
    printFigures('attacks of issue 14', figures);
  });

  it('row 1: a body framed by a Content-Length named in Connection is not smuggled, and another organization never gets its answer', async () => {
    const smuggled = 'GET /slow/smuggled HTTP/1.1\r\nHost: internal\r\n\r\n';
    const attack =
      head('POST', `${a.gw}/x`, cp.url, [
        ['Authorization', `Bearer ${a.token}`],
        ['Connection', 'keep-alive, content-length'],
        ['Content-Length', String(Buffer.byteLength(smuggled))],
      ]) + smuggled;
    let victim: Awaited<ReturnType<typeof rawExchange>> | undefined;
    const log = await seen(async () => {
      const answer = await rawExchange(cp.url, attack);
      figures['row 1: the attacker got'] = String(answer.status);
      // Another organization's caller, on its own URL, while the smuggled request would be pending upstream.
      await sleep(100);
      victim = await get(b, '/mine');
      await sleep(400);
    });
    assert.ok(!log.some((r) => r.path.includes('smuggled') || upstream.header(r, 'host') === 'internal'), `smuggled: ${log.map((r) => r.line).join(' | ')}`);
    for (const r of log.filter((r) => r.method === 'POST')) {
      assert.equal(upstream.header(r, 'content-length'), String(Buffer.byteLength(smuggled)), 'a forwarded body keeps its framing');
      assert.equal(r.body, smuggled);
    }
    assert.equal(victim!.status, 200, victim!.body);
    assert.equal(victim!.json.path, `${b.base}/mine`, "the other organization's caller gets its own answer");
  });

  it('row 1: calls of two organizations to one upstream never share an upstream connection', async () => {
    const log = await seen(async () => {
      for (let i = 0; i < 3; i++) {
        assert.equal((await get(a, `/a${i}`)).status, 200);
        assert.equal((await get(b, `/b${i}`)).status, 200);
      }
    });
    const ofA = new Set(log.filter((r) => r.path.startsWith(a.base)).map((r) => r.connection));
    const ofB = new Set(log.filter((r) => r.path.startsWith(b.base)).map((r) => r.connection));
    assert.deepEqual(
      [...ofA].filter((c) => ofB.has(c)),
      [],
      'no upstream connection carried calls of both organizations',
    );
  });

  it("row 2: a path cannot leave the endpoint's base path, whatever its spelling", async () => {
    const attempts = [
      '/../../admin',
      '/%2e%2e/%2e%2e/admin',
      '/..%2f..%2fadmin',
      '/.%2E/admin',
      '/x/../../admin',
      '/..;/admin',
      '/..\\admin',
      '//evil.example/x',
      '/%2E%2e',
      '/..',
    ];
    const outcomes: string[] = [];
    for (const rest of attempts) {
      const log = await seen(async () => {
        const answer = await get(a, rest);
        outcomes.push(`${rest} → ${answer.status}`);
        assert.ok(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `${rest}: ${answer.status} ${answer.body}`);
      });
      for (const r of log) {
        assert.ok(r.path.startsWith(`${a.base}/`) || r.path === a.base, `${rest} reached the upstream as ${r.path}`);
        assert.ok(!/(^|\/)(\.|%2e){1,2}(\/|;|$)/i.test(r.path), `${rest} reached the upstream with a dot segment: ${r.path}`);
        assert.ok(!r.path.includes('//'), `${rest} reached the upstream as ${r.path}`);
      }
    }
    // Dot segments inside the endpoint are resolved, as a normalising gateway does.
    const inside = await seen(() => get(a, '/x/./y/../z'));
    assert.deepEqual(
      inside.map((r) => r.path),
      [`${a.base}/x/z`],
    );
    figures['row 2: answers'] = outcomes.join('; ');
  });

  describe("row 3: external providers' tokens", () => {
    let idp: TestIssuer;
    let clientId: string;
    before(async () => {
      idp = await TestIssuer.start();
      const registered = await cp.call('POST', paths.identityProviders(a.org), { name: 'Test IdP', wellKnownUrl: idp.wellKnownUrl });
      assert.equal(registered.status, 201, registered.text);
      clientId = 'partner-app';
      await cp.call('POST', paths.components(a.org, 'default'), { displayName: 'Partner', name: 'partner', type: 'external-consumer' });
      const keys = await cp.call('PUT', `${paths.authFor(a.org, 'default', 'partner', 'development')}/external`, {
        identityProviderId: registered.body.id,
        clientId,
      });
      assert.equal(keys.status, 200, keys.text);
      const conn = await cp.call('POST', paths.connections(a.org, 'default', 'partner'), { name: 'Api', serviceComponentName: 'svc-a', endpointName: 'api' });
      assert.equal(conn.status, 201, conn.text);
    });
    after(() => idp?.close());

    const call = (token: string) =>
      rawExchange(
        cp.url,
        head('GET', `${a.gw}/ext`, cp.url, [
          ['Authorization', `Bearer ${token}`],
          ['Connection', 'close'],
        ]),
      );

    it('pass only with an audience of this gateway (empty registration: its own URL) and only as access tokens', async () => {
      const gatewayAud = `${cp.url}/gw`;
      const good = await call(await idp.sign({ aud: gatewayAud, client_id: clientId, scope: 'read' }));
      assert.equal(good.status, 200, `an at+jwt access token for the gateway passes: ${good.body}`);
      const plainJwt = await call(await idp.sign({ aud: gatewayAud, client_id: clientId, scope: 'read' }, 'JWT'));
      assert.equal(plainJwt.status, 200, `a plain JWT access token for the gateway passes: ${plainJwt.body}`);
      const refused: Record<string, string> = {
        'aud of another resource': await idp.sign({ aud: 'https://other.example/api', client_id: clientId }),
        'no aud': await idp.sign({ client_id: clientId }),
        'an ID token (typ JWT, aud = the client)': await idp.sign({ aud: clientId, azp: clientId, sub: 'user', nonce: 'n-0S6_WzA2Mj', auth_time: 1 }, 'JWT'),
        'an ID token for the gateway audience too': await idp.sign({ aud: [gatewayAud, clientId], azp: clientId, sub: 'user', at_hash: 'x' }, 'JWT'),
        'a logout token': await idp.sign({ aud: gatewayAud, client_id: clientId, events: {} }, 'logout+jwt'),
      };
      const outcomes: string[] = [];
      for (const [what, token] of Object.entries(refused)) {
        const res = await call(token);
        outcomes.push(`${what} → ${res.status}`);
        assert.equal(res.status, 401, `${what}: ${res.status} ${res.body}`);
        assert.equal(res.json.error.code, 'unauthorized');
      }
      figures['row 3: refused'] = outcomes.join('; ');
    });

    it('registration takes the audiences its tokens must carry, and the API shows them', async () => {
      const other = await TestIssuer.start();
      try {
        const bad = await cp.call('POST', paths.identityProviders(b.org), { name: 'Bad', wellKnownUrl: other.wellKnownUrl, audiences: ['has space'] });
        assert.equal(bad.status, 400, bad.text);
        const res = await cp.call('POST', paths.identityProviders(b.org), {
          name: 'With audience',
          wellKnownUrl: other.wellKnownUrl,
          audiences: ['api://partner'],
        });
        assert.equal(res.status, 201, res.text);
        assert.deepEqual(res.body.audiences, ['api://partner']);
        const listed = (await cp.call('GET', paths.identityProviders(b.org))).body.items.find((i: { id: string }) => i.id === res.body.id);
        assert.deepEqual(listed.audiences, ['api://partner']);
        await cp.call('POST', paths.components(b.org, 'default'), { displayName: 'Partner', name: 'partner', type: 'external-consumer' });
        await cp.call('PUT', `${paths.authFor(b.org, 'default', 'partner', 'development')}/external`, { identityProviderId: res.body.id, clientId: 'p' });
        await cp.call('POST', paths.connections(b.org, 'default', 'partner'), { name: 'Api', serviceComponentName: 'svc-b', endpointName: 'api' });
        const callB = async (aud: string) =>
          (
            await rawExchange(
              cp.url,
              head('GET', `${b.gw}/ext`, cp.url, [
                ['Authorization', `Bearer ${await other.sign({ aud, client_id: 'p' })}`],
                ['Connection', 'close'],
              ]),
            )
          ).status;
        assert.equal(await callB('api://partner'), 200);
        assert.equal(await callB(`${cp.url}/gw`), 401, 'with audiences given, the default one no longer passes');
        // A registration's audiences can be changed later (a provider registered before they were asked for).
        const patched = await cp.call('PATCH', paths.identityProvider(b.org, res.body.id), { audiences: ['api://renamed'] });
        assert.equal(patched.status, 200, patched.text);
        assert.deepEqual(patched.body.audiences, ['api://renamed']);
        assert.equal(await callB('api://renamed'), 200);
        assert.equal(await callB('api://partner'), 401, 'an audience taken off no longer passes');
      } finally {
        await other.close();
      }
    });
  });

  it('row 4: wrong secrets sent by anyone (a cross-site form POST) never lock the right secret out', async () => {
    const form = (secret: string) =>
      rawExchange(
        cp.url,
        (() => {
          const body = `grant_type=client_credentials&client_id=${encodeURIComponent(a.clientId)}&client_secret=${encodeURIComponent(secret)}`;
          return (
            head('POST', `/oauth2/${a.org}/token`, cp.url, [
              ['Origin', 'https://evil.example'],
              ['Content-Type', 'application/x-www-form-urlencoded'],
              ['Content-Length', String(body.length)],
              ['Connection', 'close'],
            ]) + body
          );
        })(),
      );
    for (let i = 0; i < 11; i++) assert.ok([401, 429].includes((await form(`wrong-${i}`)).status));
    let granted = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) await form(`wrong-${round}-${i}`);
      const right = await form(a.clientSecret);
      if (right.status === 200) granted++;
    }
    figures['row 4: right-secret requests granted during the flood'] = `${granted} of 5`;
    assert.equal(granted, 5, 'the right secret gets its token every time');
  });

  it('row 5: foreign Host headers get 421; loopback names and addresses are answered', async () => {
    const port = new URL(cp.url).port;
    const urls = ['/healthz', `/oauth2/${a.org}/.well-known/openid-configuration`, `/oauth2/${a.org}/jwks`, `${a.gw}/x`];
    const outcomes: string[] = [];
    for (const url of urls) {
      const foreign = await rawExchange(
        cp.url,
        head('GET', url, cp.url, [
          ['Host', `evil.example:${port}`],
          ['Authorization', `Bearer ${a.token}`],
          ['Connection', 'close'],
        ]),
      );
      outcomes.push(`${url} → ${foreign.status}`);
      assert.equal(foreign.status, 421, `${url} with a foreign Host: ${foreign.status} ${foreign.body}`);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.1.2.3:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const res = await rawExchange(
        cp.url,
        head('GET', '/healthz', cp.url, [
          ['Host', host],
          ['Connection', 'close'],
        ]),
      );
      assert.equal(res.status, 200, `Host ${host}: ${res.status}`);
    }
    figures['row 5: foreign Host'] = outcomes.join('; ');
  });

  it('row 5: without a valid token of the organization, the gateway tells nothing about what exists', async () => {
    const paths = [
      `${a.gw}/x`,
      `/gw/${a.org}/default/no-such-service/api/development/x`,
      `/gw/no-such-org/default/svc-a/api/development`,
      `/gw/${a.org}/default/svc-a/no-endpoint/development`,
      `/gw/${a.org}/default/svc-a/api/no-env`,
    ];
    const answers = [];
    for (const p of paths) {
      const res = await rawExchange(cp.url, head('GET', p, cp.url, [['Connection', 'close']]));
      answers.push([res.status, res.body]);
    }
    assert.deepEqual(new Set(answers.map((x) => JSON.stringify(x))).size, 1, `answers without a token differ: ${JSON.stringify(answers)}`);
    assert.equal(answers[0][0], 401);
    // Org B's token on org A's URLs: the same answer whether the service exists or not.
    const cross = [];
    for (const p of paths.slice(0, 2)) {
      const res = await rawExchange(
        cp.url,
        head('GET', p, cp.url, [
          ['Authorization', `Bearer ${b.token}`],
          ['Connection', 'close'],
        ]),
      );
      cross.push([res.status, res.body]);
    }
    assert.equal(cross[0][0], 401);
    assert.deepEqual(cross[0], cross[1], "another organization's token learns nothing of what exists");
  });

  it('row 6: a malformed percent-escape in iss is a 401, not a 500', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${enc({ alg: 'ES256', typ: 'at+jwt' })}.${enc({ iss: `${cp.url}/oauth2/%E0%A4%A`, exp: now + 60, client_id: 'x' })}.${Buffer.from('sig').toString('base64url')}`;
    const res = await rawExchange(
      cp.url,
      head('GET', `${a.gw}/x`, cp.url, [
        ['Authorization', `Bearer ${token}`],
        ['Connection', 'close'],
      ]),
    );
    assert.equal(res.status, 401, `${res.status} ${res.body}`);
    assert.doesNotMatch(cp.stderr(), /URIError/, 'no stack trace in the log');
  });

  it('row 7: a provider whose JWKS fails is not fetched again on every call', async () => {
    const idp = await TestIssuer.start();
    try {
      const registered = await cp.call('POST', paths.identityProviders(b.org), { name: 'Flaky IdP', wellKnownUrl: idp.wellKnownUrl });
      assert.equal(registered.status, 201, registered.text);
      idp.jwksDown = true;
      for (let i = 0; i < 21; i++) {
        const token = await idp.sign({ aud: `${cp.url}/gw`, client_id: `c${i}` });
        const res = await rawExchange(
          cp.url,
          head('GET', `${b.gw}/x`, cp.url, [
            ['Authorization', `Bearer ${token}`],
            ['Connection', 'close'],
          ]),
        );
        assert.equal(res.status, 401, res.body);
      }
      figures['row 7: JWKS fetches for 21 calls while it answers 500'] = String(idp.jwksHits);
      assert.ok(idp.jwksHits <= 2, `${idp.jwksHits} JWKS fetches for 21 calls`);
    } finally {
      await idp.close();
    }
  });

  it('row 9: Forwarded and X-Real-IP from the caller do not reach the upstream', async () => {
    const log = await seen(() =>
      get(a, '/who', [
        ['Forwarded', 'for=10.0.0.1;host=admin.internal'],
        ['X-Real-IP', '10.0.0.1'],
        ['X-Forwarded-For', '10.0.0.2'],
      ]),
    );
    assert.equal(log.length, 1);
    assert.equal(upstream.header(log[0], 'forwarded'), undefined);
    assert.equal(upstream.header(log[0], 'x-real-ip'), undefined);
    assert.equal(upstream.header(log[0], 'x-forwarded-for'), '10.0.0.2, 127.0.0.1', 'X-Forwarded-For gets the real peer appended');
  });

  it('row 11: a control plane started without --sample-service serves no sample upstream', async () => {
    const res = await rawExchange(cp.url, head('GET', '/sample-services/greeting?name=x', cp.url, [['Connection', 'close']]));
    assert.equal(res.status, 404, `${res.status} ${res.body}`);
    const create = await cp.call('POST', `${paths.project(a.org, 'default')}/sample-service`);
    assert.ok(create.status >= 400 && create.status < 500, `creating the sample service: ${create.status}`);
  });

  it('row 13: after Regenerate Secret the gateway refuses the tokens issued with the old secret', async () => {
    const before = await builtInToken(cp, a.org, a.clientId, a.clientSecret);
    assert.equal(
      (
        await rawExchange(
          cp.url,
          head('GET', `${a.gw}/x`, cp.url, [
            ['Authorization', `Bearer ${before}`],
            ['Connection', 'close'],
          ]),
        )
      ).status,
      200,
    );
    const regenerated = await cp.call('POST', `${paths.authFor(a.org, 'default', 'svc-a-client', 'development')}/regenerate-secret`);
    assert.equal(regenerated.status, 200, regenerated.text);
    for (const old of [before, a.token]) {
      const res = await rawExchange(
        cp.url,
        head('GET', `${a.gw}/x`, cp.url, [
          ['Authorization', `Bearer ${old}`],
          ['Connection', 'close'],
        ]),
      );
      assert.equal(res.status, 401, `a token of the old secret: ${res.status} ${res.body}`);
      assert.match(res.json.error.message, /regenerated/);
    }
    a.clientSecret = regenerated.body.clientSecret;
    a.token = await builtInToken(cp, a.org, a.clientId, a.clientSecret);
    assert.equal((await get(a, '/x')).status, 200, 'a token of the new secret passes');
  });
});

describe('attacks of issue 14 on a team server (--public-url)', function () {
  this.timeout(60_000);
  let team: ControlPlane;
  let open: ControlPlane;
  let idp: TestIssuer;
  let org: string;
  let openOrg: string;
  /** A team server, reached on its loopback port (its public URL names a host that does not exist here). */
  async function teamServer(extra: string[]): Promise<ControlPlane> {
    const port = await freePort();
    const cp = await ControlPlane.start(tempDir('rel-team-'), ['--port', String(port), '--public-url', 'https://cp.example.test', ...extra]);
    return Object.assign(Object.create(Object.getPrototypeOf(cp)), cp, { url: `http://127.0.0.1:${port}` }) as ControlPlane;
  }
  before(async () => {
    [team, open, idp] = await Promise.all([teamServer([]), teamServer(['--allow-private-addresses']), TestIssuer.start()]);
    org = (await team.call('POST', paths.orgs(), { name: 'Team Org' })).body.handle;
    openOrg = (await open.call('POST', paths.orgs(), { name: 'Team Org' })).body.handle;
  });
  after(async () => {
    await Promise.all([team?.stop(), open?.stop(), idp?.close()]);
  });

  it('row 8: refuses to fetch from loopback, also by a name that resolves to it, unless the operator allows private addresses', async () => {
    const port = new URL(idp.issuer).port;
    // `vm` is this machine's name in /etc/hosts (127.0.0.1): the rule is checked on the resolved address. (Link-local
    // and private addresses are not tried here, where no traffic may leave loopback: outbound.test.ts checks them.)
    for (const url of [idp.wellKnownUrl, `http://localhost:${port}/.well-known/openid-configuration`, `https://vm:${port}/.well-known/openid-configuration`]) {
      const res = await team.call('POST', paths.identityProviders(org), { name: `P ${url.length}`, wellKnownUrl: url });
      assert.equal(res.status, 400, `${url}: ${res.status} ${res.text}`);
      assert.equal(res.body.error.code, 'discovery_failed');
      assert.match(res.body.error.message, /is a loopback address; .*--allow-private-addresses/, url);
    }
    const allowed = await open.call('POST', paths.identityProviders(openOrg), { name: 'Local IdP', wellKnownUrl: idp.wellKnownUrl });
    assert.equal(allowed.status, 201, allowed.text);
  });

  it('row 8: the error text does not tell an open port from a closed one', async () => {
    const net = await import('node:net');
    const listener = net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const openPort = (listener.address() as import('node:net').AddressInfo).port;
    const closedPort = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as import('node:net').AddressInfo).port;
        s.close(() => r(p));
      });
    });
    try {
      const texts = [];
      for (const port of [openPort, closedPort]) {
        const res = await open.call('POST', paths.identityProviders(openOrg), {
          name: `Scan ${port}`,
          wellKnownUrl: `http://127.0.0.1:${port}/.well-known/openid-configuration`,
        });
        assert.equal(res.status, 400);
        texts.push(res.body.error.message.replaceAll(String(port), 'PORT'));
      }
      assert.equal(texts[0], texts[1], 'the same text for an open port and a closed one');
    } finally {
      listener.close();
    }
  });
});
