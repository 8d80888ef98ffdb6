/** A personal access token stops working at its expiry (the clock is the authenticator's, so no test waits days). */
import { strict as assert } from 'node:assert';
import { coreCollections, C } from '../../../src/controlPlane/domain/records';
import { ApiError } from '../../../src/controlPlane/http/errors';
import { createToken, PersonalAccessTokenAuthenticator } from '../../../src/controlPlane/members/personalTokens';
import { M, memberCollections, type MemberRecord, type UserRecord } from '../../../src/controlPlane/members/records';
import { FileStore } from '../../../src/controlPlane/store/fileStore';
import { tempDir } from '../helpers/controlPlane';

describe('personal access token expiry', () => {
  it('accepts a token until its expiry and refuses it from then on, saying so', async () => {
    const store = await FileStore.open({ dataDir: tempDir(), collections: [...coreCollections, ...memberCollections] });
    try {
      const now = new Date().toISOString();
      const org = { id: 'o1', handle: 'stark', name: 'Stark', createdAt: now };
      const user: UserRecord = { id: 'u1', issuer: 'https://id.example', subject: 'dev', emailVerified: false, createdAt: now, updatedAt: now };
      const member: MemberRecord = {
        id: 'm1',
        orgId: 'o1',
        orgHandle: 'stark',
        role: 'developer',
        userId: 'u1',
        invitedBy: 'admin',
        createdAt: now,
        updatedAt: now,
      };
      await store.write([
        { op: 'put', collection: C.orgs, record: org },
        { op: 'put', collection: M.users, record: user },
        { op: 'put', collection: M.members, record: member },
      ]);
      const { record, secret } = await createToken(store, { kind: 'user', id: 'u1' }, org, {
        name: 'ci',
        orgHandle: 'stark',
        role: 'viewer',
        expiresInDays: 7,
      });
      const expiry = Date.parse(record.expiresAt);
      assert.equal(expiry - Date.parse(record.createdAt), 7 * 86_400_000);

      const before = await new PersonalAccessTokenAuthenticator(store, () => expiry - 1).authenticate(secret);
      assert.deepEqual(before?.token, { id: record.id, orgId: 'o1', role: 'viewer' });
      await assert.rejects(
        Promise.resolve(new PersonalAccessTokenAuthenticator(store, () => expiry).authenticate(secret)),
        (err: unknown) => err instanceof ApiError && err.status === 401 && /expired on/.test(err.message),
      );
      assert.equal(await new PersonalAccessTokenAuthenticator(store).authenticate('not-a-personal-token'), undefined);
    } finally {
      await store.close();
    }
  });
});
