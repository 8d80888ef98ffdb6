/** The extension's sign-in steps (src/auth/deviceFlow.ts) against the team server and oidc-provider: the device
 * authorization grant with the person approving on the provider's pages, renewal, revocation. */
import { strict as assert } from 'node:assert';
import { paths } from '../../../src/api/routes';
import {
  pollForTokens,
  refreshTokens,
  requireSafeUrl,
  revokeToken,
  signInInfo,
  SignInError,
  startDeviceAuthorization,
  whoAmI,
} from '../../../src/auth/deviceFlow';
import { ControlPlane } from '../helpers/controlPlane';
import { startTeamServer, type TeamServer } from './teamServer';

describe('sign-in with the device authorization grant', function () {
  this.timeout(60_000);
  let team: TeamServer;
  before(async () => (team = await startTeamServer()));
  after(async () => team?.close());

  it('signs a person in with only the server URL, renews the token, and Sign Out revokes the refresh token', async () => {
    const info = await signInInfo(team.cp.url);
    const device = await startDeviceAuthorization(info);
    assert.match(device.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    let polls = 0;
    const fast = async () => {
      polls++;
      // The person approves on the provider's page after the first poll was told authorization_pending.
      if (polls === 2) await team.idp.approve(device.userCode, 'vic');
    };
    const tokens = await pollForTokens(info, device, () => false, fast);
    assert.ok(polls >= 2, 'polled while the sign-in was pending');
    assert.ok(tokens.refreshToken, 'offline_access gives a refresh token');
    const me = await whoAmI(team.cp.url, tokens.accessToken);
    assert.equal(me.user.name, 'Vic Viewer');

    const renewed = await refreshTokens(info, tokens.refreshToken!);
    assert.notEqual(renewed.accessToken, tokens.accessToken);
    assert.equal((await team.cp.call('GET', paths.me(), undefined, { token: renewed.accessToken })).status, 200);

    assert.equal(await revokeToken(info, renewed.refreshToken!, 'refresh_token'), true);
    await assert.rejects(refreshTokens(info, renewed.refreshToken!), (e: unknown) => e instanceof SignInError && e.code === 'expired');
  });

  it('stops when the sign-in is cancelled, and says when the server signs no one in', async () => {
    const info = await signInInfo(team.cp.url);
    const device = await startDeviceAuthorization(info);
    await assert.rejects(
      pollForTokens(
        info,
        device,
        () => true,
        async () => undefined,
      ),
      (e: unknown) => e instanceof SignInError && e.code === 'cancelled',
    );
    const plain = await ControlPlane.start();
    try {
      await assert.rejects(
        signInInfo(plain.url),
        (e: unknown) => e instanceof SignInError && e.code === 'sign_in_unavailable' && /without --users-idp/.test(e.message),
      );
    } finally {
      await plain.stop();
    }
  });
});

describe('sign-in endpoints the extension sends tokens to or opens', () => {
  it('takes https, and http on loopback only; refuses other schemes a hostile server could name', () => {
    assert.equal(requireSafeUrl('https://id.example.com/device', 'page'), 'https://id.example.com/device');
    assert.equal(requireSafeUrl('http://127.0.0.1:8080/device', 'page'), 'http://127.0.0.1:8080/device');
    for (const bad of ['http://id.example.com/device', 'command:workbench.action.terminal.new', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      assert.throws(
        () => requireSafeUrl(bad, 'page'),
        (e: unknown) => e instanceof SignInError && e.code === 'provider_error',
        bad,
      );
    }
  });
});
