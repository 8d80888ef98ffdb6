/**
 * Issue 22, rows 1–2: one organization's registration of an external issuer vouches for its own consumers only.
 *
 * A team server (`--public-url`, people signed in with the team's identity provider) and a real OpenID provider X
 * (oidc-provider). Ann's organization A registers X and gives its consumer X's client. Olga, an outsider, makes her
 * own organization B and registers the same issuer through another Well-Known URL at X's host
 * (`…/.well-known/openid-configuration?appid=evil`, as Entra ID serves for apps with their own signing keys), whose
 * `jwks_uri` is a key set Olga holds; she even gives a consumer of hers A's client ID under it. A loopback upstream
 * records every call that reaches A's service.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayAudience, paths } from '../../../src/api/routes';
import { jose } from '../../../src/controlPlane/gateway/jose';
import { ControlPlane, tempDir } from '../helpers/controlPlane';
import { teamServerArgs } from '../members/teamServer';
import { startUsersIdentityProvider, type UsersIdentityProvider } from '../members/usersIdentityProvider';
import { GATEWAY_RESOURCE, JWT_CLIENT, startOidcProvider, type RunningProvider } from './oidcProvider';

const PUBLIC_URL = 'https://cp.example.test';
const PROJECT = 'default';

describe('issue 22: an external issuer registered by two organizations (rows 1–2)', function () {
  this.timeout(120_000);
  let people: UsersIdentityProvider;
  let x: RunningProvider;
  let cp: ControlPlane;
  let upstream: http.Server;
  let upstreamUrl = '';
  const reached: string[] = [];
  const ann = { token: '' };
  const olga = { token: '' };
  let orgA = '';
  let orgB = '';
  let attackerKey: CryptoKey;
  const EVIL_KID = 'evil-key';

  const must = async (who: { token: string }, status: number, method: string, path: string, body?: unknown) => {
    const res = await cp.call(method, path, body, { token: who.token });
    assert.equal(res.status, status, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  const callA = async (accessToken: string) => {
    const res = await fetch(`${cp.url}/gw/${orgA}/${PROJECT}/orders/api/development/hello`, { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: res.status, text: await res.text() };
  };
  /** What Olga can sign: any claims, under her own key (published at X's host through her Well-Known URL). */
  const forged = (aud: string) =>
    new jose.SignJWT({ client_id: JWT_CLIENT.clientId })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: EVIL_KID })
      .setIssuer(x.issuer)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(attackerKey);

  before(async () => {
    const pair = await jose.generateKeyPair('ES256', { extractable: true });
    attackerKey = pair.privateKey as CryptoKey;
    const evilJwks = JSON.stringify({ keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: EVIL_KID, alg: 'ES256', use: 'sig' }] });
    // X's host also serves, under a query, a discovery document naming X as issuer and Olga's key set.
    x = await startOidcProvider({
      before(req, res) {
        if (req.url === '/.well-known/openid-configuration?appid=evil') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ issuer: x.issuer, token_endpoint: `${x.issuer}/token`, jwks_uri: `${x.issuer}/evil/keys?appid=evil` }));
          return true;
        }
        if (req.url === '/evil/keys?appid=evil') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(evilJwks);
          return true;
        }
        return false;
      },
    });
    upstream = http.createServer((req, res) => {
      reached.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('orders of A');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    people = await startUsersIdentityProvider();
    // The providers and the upstream listen on loopback, which a team server reaches only when allowed.
    cp = await ControlPlane.startBehind(PUBLIC_URL, tempDir(), [...teamServerArgs(people), '--allow-private-addresses']);
    for (const [who, login] of [
      [ann, 'ann'],
      [olga, 'out'],
    ] as const) {
      who.token = (await people.signIn(login)).access_token;
      await must(who, 200, 'GET', paths.me());
    }

    // A: X registered from its own Well-Known URL, a consumer with X's client, a Project endpoint it is connected to.
    orgA = (await must(ann, 201, 'POST', paths.orgs(), { name: 'Alpha Works' })).handle;
    const idpA = await must(ann, 201, 'POST', paths.identityProviders(orgA), { name: 'X', wellKnownUrl: x.wellKnownUrl, audiences: [GATEWAY_RESOURCE] });
    await must(ann, 201, 'POST', paths.components(orgA, PROJECT), { name: 'mobile', displayName: 'Mobile', type: 'external-consumer' });
    await must(ann, 200, 'PUT', `${paths.authFor(orgA, PROJECT, 'mobile', 'development')}/external`, {
      identityProviderId: idpA.id,
      clientId: JWT_CLIENT.clientId,
    });
    await must(ann, 201, 'POST', paths.components(orgA, PROJECT), {
      name: 'orders',
      displayName: 'Orders',
      type: 'service',
      endpoints: [{ name: 'api', visibility: 'Project', upstreamUrls: { development: upstreamUrl } }],
    });
    await must(ann, 201, 'POST', `${paths.component(orgA, PROJECT, 'mobile')}/connections`, {
      name: 'orders',
      serviceComponentName: 'orders',
      endpointName: 'api',
    });
    assert.equal((await callA(await x.token(JWT_CLIENT))).status, 200, "A's genuine token passes before B registers anything");

    // B (sorted after A, so on the old code its registration was the one the issuer's keys were taken from).
    orgB = (await must(olga, 201, 'POST', paths.orgs(), { name: 'Zeta Corp' })).handle;
  });
  after(async () => {
    await cp?.stop();
    await Promise.all([x?.close(), people?.close(), new Promise((r) => upstream?.close(r))]);
  });

  it("accepts a Well-Known URL with a query (Entra's ?appid=) for another organization's registration of the same issuer", async () => {
    const idpB = await must(olga, 201, 'POST', paths.identityProviders(orgB), {
      name: 'X (own keys)',
      wellKnownUrl: `${x.issuer}/.well-known/openid-configuration?appid=evil`,
      audiences: [GATEWAY_RESOURCE],
    });
    assert.equal(idpB.issuer, x.issuer);
    // Olga's consumer gets A's client ID under her registration: her registration now names that client too.
    await must(olga, 201, 'POST', paths.components(orgB, PROJECT), { name: 'copycat', displayName: 'Copycat', type: 'external-consumer' });
    await must(olga, 200, 'PUT', `${paths.authFor(orgB, PROJECT, 'copycat', 'development')}/external`, {
      identityProviderId: idpB.id,
      clientId: JWT_CLIENT.clientId,
    });
  });

  it("row 1: a token B signs with iss X and A's client ID gets 401, and A's upstream is never called", async () => {
    const before = reached.length;
    for (const aud of [GATEWAY_RESOURCE, gatewayAudience(PUBLIC_URL)]) {
      const res = await callA(await forged(aud));
      assert.equal(res.status, 401, res.text);
    }
    assert.equal(reached.length, before, "nothing reached A's upstream");
  });

  it("row 2: A's genuine tokens from X keep passing after B's registration", async () => {
    const before = reached.length;
    for (let i = 0; i < 3; i++) {
      const res = await callA(await x.token(JWT_CLIENT));
      assert.equal(res.status, 200, res.text);
    }
    assert.equal(reached.length, before + 3);
  });
});
