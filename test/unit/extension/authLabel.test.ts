import * as assert from 'node:assert/strict';
import type { AuthConfiguration } from '../../../src/api';
import { authContextValue, authStateLabel } from '../../../src/tree/authLabel';

const base: AuthConfiguration = {
  componentId: 'c1',
  environment: 'development',
  identityProviderId: 'idp1',
  identityProviderKind: 'built-in',
  identityProviderName: 'Choreo built-in',
  clientId: 'abc123',
  hasSecret: true,
  tokenUrl: 'http://127.0.0.1:7480/oauth2/stark/token',
  createdAt: '',
  updatedAt: '',
};

describe('Environment rows: authentication state', () => {
  it('says "Not configured" without keys', () => {
    assert.equal(authStateLabel(undefined), 'Not configured');
    assert.equal(authContextValue(undefined), 'environment.notConfigured');
  });
  it('says "Built-in · keys generated" for the built-in provider', () => {
    assert.equal(authStateLabel(base), 'Built-in · keys generated');
    assert.equal(authContextValue(base), 'environment.builtIn');
  });
  it('names the external provider and the client ID', () => {
    const ext = { ...base, identityProviderKind: 'external' as const, identityProviderName: 'Asgardeo', clientId: 'xyz', hasSecret: false };
    assert.equal(authStateLabel(ext), 'External: Asgardeo · xyz');
    assert.equal(authContextValue(ext), 'environment.external');
  });
});
