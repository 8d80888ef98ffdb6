/**
 * External identity providers on a team control plane: a provider added, refreshed or removed through replica A is
 * trusted, fetched again or dropped by the gateway of replica B within the bound (1 s worst), with B's issuer list
 * already built before each change (it had served a token of the first provider). The providers are real OpenID
 * providers (oidc-provider); the figures are printed.
 */
import * as assert from 'node:assert/strict';
import { paths } from '../../../src/api';
import { GATEWAY_RESOURCE, JWT_CLIENT, startOidcProvider, type RunningProvider } from '../externalIdp/oidcProvider';
import { gatewayCall, ORG, PROJECT, seed, startTeam, timeUntil, upstream, type Seed, type Team } from '../helpers/team';

describe('team control plane: identity providers changed through one replica, enforced by the gateway of another', function () {
  this.timeout(120_000);
  let team: Team;
  let up: Awaited<ReturnType<typeof upstream>>;
  let first: RunningProvider;
  let second: RunningProvider;
  let s: Seed;
  let secondId = '';
  const secondClient = { clientId: 'orders-app', clientSecret: 'orders-app-secret-0123456789abcdef' };
  const figures: string[] = [];

  const a = () => team.replicas[0];
  const b = () => team.replicas[1];
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await a().call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  /** An external consumer with keys from `idpId` and a connection to the seed's service. */
  const externalConsumer = async (name: string, idpId: string, clientId: string) => {
    await ok('POST', paths.components(ORG, PROJECT), { name, displayName: name, type: 'external-consumer' });
    await ok('PUT', `${paths.authFor(ORG, PROJECT, name, 'development')}/external`, { identityProviderId: idpId, clientId });
    await ok('POST', paths.connections(ORG, PROJECT, name), { name: 'orders', serviceComponentName: s.service, endpointName: 'api' });
  };
  const callB = async (provider: RunningProvider, client: { clientId: string; clientSecret: string }) => gatewayCall(b().url, s, await provider.token(client));
  const onB = async (provider: RunningProvider, client: { clientId: string; clientSecret: string }) => (await callB(provider, client)).status;
  const measure = async (what: string, check: () => Promise<boolean>) => {
    const ms = await timeUntil(check, 5_000);
    figures.push(`${what} ${ms.toFixed(1)} ms`);
    assert.ok(ms < 1_000, `${what}: on B after ${ms.toFixed(0)} ms (bound: 1 s)`);
  };

  before(async () => {
    // The providers listen on loopback, which a team server reaches only when allowed.
    team = await startTeam(2, ['--allow-private-addresses']);
    [up, first, second] = await Promise.all([upstream('orders'), startOidcProvider(), startOidcProvider()]);
    second.addJwtClient(secondClient.clientId, secondClient.clientSecret);
    s = await seed(a(), up.url);
    const registered = await ok('POST', paths.identityProviders(ORG), { name: 'First IdP', wellKnownUrl: first.wellKnownUrl, audiences: [GATEWAY_RESOURCE] });
    await externalConsumer('first-app', registered.id, JWT_CLIENT.clientId);
    // B's gateway has built its issuer list: it serves the first provider's token.
    assert.equal(await onB(first, JWT_CLIENT), 200);
  });
  after(async () => {
    await team?.stop();
    await Promise.all([up?.close(), first?.close(), second?.close()]);
    if (figures.length) console.log(`      identity provider changes through A, enforced by B's gateway: ${figures.join(', ')}`);
  });

  it('trusts a provider added through A', async () => {
    assert.equal(await onB(second, secondClient), 401, 'not registered yet');
    secondId = (await ok('POST', paths.identityProviders(ORG), { name: 'Second IdP', wellKnownUrl: second.wellKnownUrl, audiences: [GATEWAY_RESOURCE] })).id;
    await externalConsumer('second-app', secondId, secondClient.clientId);
    await measure('added', async () => (await onB(second, secondClient)) === 200);
    assert.equal(await onB(first, JWT_CLIENT), 200, 'the first provider still passes');
  });

  it('fetches the key set again after a Refresh through A', async () => {
    assert.equal(await onB(second, secondClient), 200);
    const fetched = second.jwksFetches();
    await ok('POST', `${paths.identityProvider(ORG, secondId)}/refresh`);
    await measure('refreshed', async () => (await onB(second, secondClient)) === 200 && second.jwksFetches() > fetched);
  });

  it('drops a provider removed through A', async () => {
    assert.equal(await onB(second, secondClient), 200);
    // Its consumer's keys go first (a provider in use cannot be removed): B then refuses the client, not the issuer.
    assert.equal((await a().call('DELETE', paths.authFor(ORG, PROJECT, 'second-app', 'development'))).status, 204);
    await timeUntil(async () => (await onB(second, secondClient)) === 401);
    assert.equal((await a().call('DELETE', paths.identityProvider(ORG, secondId))).status, 204);
    const unknownIssuer = `issued by ${second.issuer}, which is not an identity provider`;
    await measure('removed', async () => {
      const res = await callB(second, secondClient);
      return res.status === 401 && res.text.includes(unknownIssuer);
    });
    assert.equal(await onB(first, JWT_CLIENT), 200, 'the first provider still passes');
  });
});
