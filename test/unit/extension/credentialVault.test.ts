// The vault over an in-memory SecretStorage (the edge): keys per control plane, consumer and environment, and
// removal of everything under a deleted consumer, project or organization.
import * as assert from 'node:assert/strict';
import { CredentialVault } from '../../../src/secrets/credentialVault';
import { memorySecrets } from '../useCases/memorySecrets';

const cp = 'http://127.0.0.1:7480';
const ref = (componentId: string, environment: string, project = 'mobile', org = 'stark') => ({ controlPlane: cp, org, project, componentId, environment });

describe('Credential vault', () => {
  it('keeps one secret per control plane, consumer and environment, and Regenerate replaces it', async () => {
    const s = memorySecrets();
    const v = new CredentialVault(s);
    await v.storeConsumerSecret(ref('c1', 'development'), 'one');
    await v.storeConsumerSecret(ref('c1', 'production'), 'two');
    await v.storeConsumerSecret({ ...ref('c1', 'development'), controlPlane: 'https://team' }, 'three');
    await v.storeConsumerSecret(ref('c1', 'development'), 'one-regenerated');
    assert.equal(await v.getConsumerSecret(ref('c1', 'development')), 'one-regenerated');
    assert.equal(await v.getConsumerSecret(ref('c1', 'production')), 'two');
    assert.equal(await v.getConsumerSecret({ ...ref('c1', 'development'), controlPlane: 'https://team' }), 'three');
    assert.equal((await v.keys()).length, 3);
  });

  it('removes the secrets under a deleted consumer, project or organization, and nothing else', async () => {
    const v = new CredentialVault(memorySecrets());
    await Promise.all([
      v.storeConsumerSecret(ref('c1', 'development'), 'a'),
      v.storeConsumerSecret(ref('c2', 'development'), 'b'),
      v.storeConsumerSecret(ref('c3', 'development', 'web'), 'c'),
      v.storeConsumerSecret(ref('c4', 'development', 'mobile', 'other'), 'd'),
    ]);
    assert.equal((await v.keys()).length, 4, 'concurrent stores keep every index entry');
    assert.equal(await v.deleteSecretsUnder({ controlPlane: cp, org: 'stark', project: 'mobile', componentId: 'c1' }), 1);
    assert.equal(await v.getConsumerSecret(ref('c1', 'development')), undefined);
    assert.equal(await v.deleteSecretsUnder({ controlPlane: cp, org: 'stark', project: 'mobile' }), 1);
    assert.equal(await v.deleteSecretsUnder({ controlPlane: cp, org: 'stark' }), 1);
    assert.equal(await v.getConsumerSecret(ref('c4', 'development', 'mobile', 'other')), 'd');
  });

  it('does not mistake an organization whose handle starts like another for it', async () => {
    const v = new CredentialVault(memorySecrets());
    await v.storeConsumerSecret(ref('c1', 'development', 'p', 'stark-2'), 'x');
    assert.equal(await v.deleteSecretsUnder({ controlPlane: cp, org: 'stark' }), 0);
    assert.equal(await v.getConsumerSecret(ref('c1', 'development', 'p', 'stark-2')), 'x');
  });
});
