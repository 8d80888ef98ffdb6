/**
 * Issue 22, row 6: an owner can always cut off access to what they own. A's Admin revokes B's connection to A's
 * Public endpoint; B's calls stop, B's owners read who cut it off and when, and A may then narrow and delete.
 * The control plane process on a data folder; B's consumer with built-in keys, calling through the gateway.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayUrl, paths } from '../../../src/api/routes';
import { ControlPlaneClient } from '../../../src/client/controlPlaneClient';
import { revokeConfirmation } from '../../../src/useCases/revokeConnection';
import { builtInAccessToken, ControlPlane, tempDir } from '../helpers/controlPlane';

const A = 'stark-industries';
const B = 'wayne-enterprises';

describe('issue 22 row 6: Revoke Connection (control plane process)', function () {
  this.timeout(120_000);
  let cp: ControlPlane;
  let upstream: http.Server;
  let upstreamUrl: string;
  let calls = 0;

  async function ok(method: string, path: string, body?: unknown) {
    const res = await cp.call(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }

  before(async () => {
    upstream = http.createServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    cp = await ControlPlane.start(tempDir());
  });
  after(async () => {
    await cp?.stop();
    upstream?.closeAllConnections();
    upstream?.close();
  });

  it("A's Admin revokes B's connection to A's Public endpoint: B's calls stop, B's connection says who and when, and A may narrow and delete", async () => {
    await ok('POST', paths.orgs(), { name: 'Stark Industries' });
    await ok('POST', paths.orgs(), { name: 'Wayne Enterprises' });
    await ok('POST', paths.components(A, 'default'), {
      name: 'orders',
      displayName: 'Orders',
      type: 'service',
      endpoints: [{ name: 'public-api', visibility: 'Public', upstreamUrls: { development: upstreamUrl } }],
    });
    await ok('POST', paths.components(B, 'default'), { name: 'partner-app', displayName: 'Partner App', type: 'external-consumer' });
    const keys = await ok('POST', `${paths.authFor(B, 'default', 'partner-app', 'development')}/generate-keys`);
    const token = await builtInAccessToken(cp.url, B, keys.authConfiguration.clientId, keys.clientSecret);
    await ok('POST', paths.connections(B, 'default', 'partner-app'), {
      name: 'Orders',
      serviceOrgHandle: A,
      serviceProjectHandle: 'default',
      serviceComponentName: 'orders',
      endpointName: 'public-api',
    });
    const url = `${gatewayUrl(cp.url, A, 'default', 'orders', 'public-api', 'development')}/orders/7`;
    const gw = async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    };
    assert.equal((await gw()).status, 200);

    // Today's ways out are all refused while B is connected.
    const narrow = () => cp.call('PATCH', `${paths.component(A, 'default', 'orders')}/endpoints/public-api`, { visibility: 'Project' });
    assert.equal((await narrow()).status, 409);
    assert.equal((await cp.call('DELETE', paths.component(A, 'default', 'orders'))).status, 409);

    // The extension's side: the Service Overview lists the connection, asks with a confirmation naming the consumer
    // and its organization, and revokes through the client.
    const client = new ControlPlaneClient({ baseUrl: cp.url, token: async () => cp.token });
    const [connected] = await client.listConnectedConsumers(A, 'default', 'orders');
    assert.deepEqual([connected.consumer.orgHandle, connected.consumer.name, connected.revoked], [B, 'partner-app', undefined]);
    assert.equal(
      revokeConfirmation(connected, { orgHandle: A, name: 'orders' }),
      'Revoke the connection "Orders" of Partner App (organization wayne-enterprises, project default) to orders/public-api? ' +
        'Its calls through the gateway are refused from now on; its owners see on the connection that stark-industries revoked it, and when. ' +
        'It cannot be undone: they can create a new connection if the endpoint still admits them.',
    );
    const revoked = await client.revokeConnection(A, 'default', 'orders', connected.connectionId);
    if (!revoked.revoked) assert.fail('not revoked');
    assert.equal(revoked.revoked.byOrgHandle, A);
    assert.equal(revoked.revoked.by, 'the operator');
    // Revoking again changes nothing.
    assert.equal((await client.revokeConnection(A, 'default', 'orders', connected.connectionId)).revoked?.at, revoked.revoked.at);

    const before = calls;
    // The gateway tells B's caller why (B's own connection: nothing of A's is learnt).
    const refused = await gw();
    assert.equal(refused.status, 403, refused.text);
    assert.match(
      JSON.parse(refused.text).error.message,
      /The connection "Orders" of "partner-app" to default\/orders\/public-api was revoked by the operator of organization "stark-industries" on 20/,
    );
    assert.equal(calls, before, 'nothing reached the upstream');
    // B's owners see why, on their own connection.
    const mine = await ok('GET', `${paths.connections(B, 'default', 'partner-app')}/Orders`);
    assert.equal(mine.revoked.byOrgHandle, A);
    assert.ok(Date.parse(mine.revoked.at) > 0);
    // Revoked connections no longer hold A back.
    assert.equal((await narrow()).status, 200);
    assert.equal((await cp.call('DELETE', paths.component(A, 'default', 'orders'))).status, 204);
  });
});
