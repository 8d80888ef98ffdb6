/** The sweep of the authorization server's expired records (idp/sweep.ts), on a file store in the test's process. */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { coreCollections } from '../../../src/controlPlane/domain/records';
import { IDP, idpCollections, type GrantRecord } from '../../../src/controlPlane/idp/records';
import { sweepExpired } from '../../../src/controlPlane/idp/sweep';
import { FileStore } from '../../../src/controlPlane/store/fileStore';
import { tempDir } from '../helpers/controlPlane';

describe('built-in identity provider: sweeping expired sign-ins', () => {
  it('removes expired codes, sessions and refresh tokens, and grants nothing can use any more; keeps the rest', async () => {
    const store = await FileStore.open({ dataDir: tempDir(), collections: [...coreCollections, ...idpCollections] });
    const orgId = randomUUID();
    const now = Date.parse('2030-01-02T00:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString();
    const base = { orgId, authConfigId: randomUUID(), clientId: 'c', userId: randomUUID(), sessionId: randomUUID(), authTime: at(now), createdAt: at(now) };
    const code = (id: string, expiresAt: number) => ({ ...base, id, codeHash: id, redirectUri: 'https://a/cb', scope: 'openid', expiresAt: at(expiresAt) });
    const grant = (id: string, createdAt: number) => ({ ...base, id, environment: 'development', codeHash: id, scope: 'openid', createdAt: at(createdAt) });
    const rt = (id: string, grantId: string, expiresAt: number, createdAt = now - 2 * 86_400_000) => ({
      id,
      orgId,
      grantId,
      userId: base.userId,
      tokenHash: id,
      createdAt: at(createdAt),
      expiresAt: at(expiresAt),
    });
    const [oldCode, newCode, oldGrant, liveGrant, youngGrant, oldRt, liveRt] = Array.from({ length: 7 }, () => randomUUID());
    await store.write([
      { op: 'put', collection: IDP.codes, record: code(oldCode, now - 1) },
      { op: 'put', collection: IDP.codes, record: code(newCode, now + 60_000) },
      { op: 'put', collection: IDP.grants, record: grant(oldGrant, now - 2 * 86_400_000) },
      { op: 'put', collection: IDP.grants, record: grant(liveGrant, now - 2 * 86_400_000) },
      { op: 'put', collection: IDP.grants, record: grant(youngGrant, now - 3_600_000) },
      { op: 'put', collection: IDP.refreshTokens, record: rt(oldRt, oldGrant, now - 1) },
      { op: 'put', collection: IDP.refreshTokens, record: rt(liveRt, liveGrant, now + 1) },
    ]);
    assert.equal(await sweepExpired(store, orgId, now), 3);
    assert.equal(await store.get(IDP.codes, oldCode), undefined);
    assert.ok(await store.get(IDP.codes, newCode));
    assert.equal(await store.get(IDP.grants, oldGrant), undefined);
    assert.ok(await store.get(IDP.grants, liveGrant), 'a grant with a live refresh token stays');
    assert.ok(await store.get(IDP.grants, youngGrant), 'its access tokens may still be valid');
    assert.equal(await store.get(IDP.refreshTokens, oldRt), undefined);
    await store.close();
  });

  it('keeps a grant, and its expired refresh token, while the access token its last refresh gave may be valid', async () => {
    const store = await FileStore.open({ dataDir: tempDir(), collections: [...coreCollections, ...idpCollections] });
    const orgId = randomUUID();
    const day = 86_400_000;
    const now = Date.parse('2030-01-02T00:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString();
    const [grantId, first, refreshed] = [randomUUID(), randomUUID(), randomUUID()];
    const rt = (id: string, createdAt: number, lifetime: number) => ({
      id,
      orgId,
      grantId,
      userId: randomUUID(),
      tokenHash: id,
      createdAt: at(createdAt),
      expiresAt: at(createdAt + lifetime),
    });
    const grant: GrantRecord = {
      id: grantId,
      orgId,
      authConfigId: randomUUID(),
      clientId: 'c',
      environment: 'development',
      userId: randomUUID(),
      sessionId: randomUUID(),
      codeHash: grantId,
      scope: 'openid',
      authTime: at(now - 2 * day),
      createdAt: at(now - 2 * day),
    };
    // Signed in two days ago; refreshed ten minutes ago with 5-minute refresh tokens: that refresh's access token
    // (a day's lifetime at most) may be valid for almost a day more.
    await store.write([
      { op: 'put', collection: IDP.grants, record: grant },
      { op: 'put', collection: IDP.refreshTokens, record: rt(first, now - 2 * day, 300_000) },
      { op: 'put', collection: IDP.refreshTokens, record: rt(refreshed, now - 600_000, 300_000) },
    ]);
    assert.equal(await sweepExpired(store, orgId, now), 1, 'only the refresh token of two days ago');
    assert.ok(await store.get(IDP.grants, grantId), 'the grant stays while its last access token may be valid');
    assert.ok(await store.get(IDP.refreshTokens, refreshed), 'and the refresh token that says so, for the next sweep');
    assert.equal(await sweepExpired(store, orgId, now + day), 2, 'a day later: the grant and that refresh token');
    assert.equal(await store.get(IDP.grants, grantId), undefined);
    await store.close();
  });
});
