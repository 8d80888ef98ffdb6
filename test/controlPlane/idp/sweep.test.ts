/** The sweep of the authorization server's expired records (idp/sweep.ts), on a file store in the test's process. */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { coreCollections } from '../../../src/controlPlane/domain/records';
import { IDP, idpCollections } from '../../../src/controlPlane/idp/records';
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
    const rt = (id: string, grantId: string, expiresAt: number) => ({
      id,
      orgId,
      grantId,
      userId: base.userId,
      tokenHash: id,
      createdAt: at(now),
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
});
