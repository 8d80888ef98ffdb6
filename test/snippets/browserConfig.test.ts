import './tmplLoader';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { BROWSER_SECRET_WARNING, browserConfigValues, browserRedirectUrl, renderBrowserConfig } from '../../src/snippets';
import type { ConnectionConfig } from '../../src/api/connections';

const config: ConnectionConfig = {
  connectionName: 'HR',
  environment: 'development',
  configured: true,
  entries: [
    { key: 'ServiceURL', value: 'http://127.0.0.1:7480/gw/acme/hr/v1?</script><script>alert(1)', isSensitive: false, envVariableName: 'CHOREO_HR_SERVICEURL' },
    { key: 'ConsumerKey', value: 'client-"quoted"', isSensitive: false, envVariableName: 'CHOREO_HR_CONSUMERKEY' },
    { key: 'ConsumerSecret', value: 'never-in-a-browser', isSensitive: true, envVariableName: 'CHOREO_HR_CONSUMERSECRET' },
    { key: 'TokenURL', value: 'http://127.0.0.1:7480/oauth2/token', isSensitive: false, envVariableName: 'CHOREO_HR_TOKENURL' },
  ],
};

describe('config.js for browser clients', () => {
  it('sets window.configs = { apiUrl, tokenUrl, consumerKey } and nothing secret', () => {
    const { values, missing } = browserConfigValues(config);
    assert.deepEqual(missing, []);
    const text = renderBrowserConfig(values!, 'HR */ evil', 'development');
    const window: { configs?: unknown } = {};
    runInNewContext(text, { window });
    assert.deepEqual(JSON.parse(JSON.stringify(window.configs)), {
      apiUrl: config.entries[0]!.value,
      tokenUrl: 'http://127.0.0.1:7480/oauth2/token',
      consumerKey: 'client-"quoted"',
    });
    assert.ok(!text.includes('never-in-a-browser') && !/secret\s*:/i.test(text));
    assert.ok(!text.includes('</script>'), 'safe to inline in a <script> element');
    assert.equal(text.split('*/').length, 3, 'the connection name cannot close the header comment early');
  });

  it('names the keys the environment does not have yet', () => {
    const noKeys = { ...config, configured: false, entries: config.entries.filter((e) => e.key !== 'ConsumerKey') };
    assert.deepEqual(browserConfigValues(noKeys), { missing: ['ConsumerKey'] });
  });

  it('warns that a secret in a browser app is public', () => {
    assert.match(BROWSER_SECRET_WARNING, /secret placed in a browser app is public/);
  });
});

describe('config.js for a browser app that signs people in', () => {
  const signIn: ConnectionConfig = {
    ...config,
    entries: [...config.entries, { key: 'IssuerURL', value: 'http://127.0.0.1:7480/oauth2/acme', isSensitive: false, envVariableName: 'CHOREO_HR_ISSUERURL' }],
  };

  it('adds issuerUrl, and the first callback URL that is a web page as redirectUrl, still no secret', () => {
    const callbacks = ['com.acme.app:/callback', 'http://127.0.0.1/callback', 'http://localhost:5173/', 'https://app.acme.org/'];
    const { values } = browserConfigValues(signIn, callbacks);
    const text = renderBrowserConfig(values!, 'HR', 'development');
    const window: { configs?: Record<string, string> } = {};
    runInNewContext(text, { window });
    assert.deepEqual(Object.keys(window.configs!), ['apiUrl', 'tokenUrl', 'consumerKey', 'issuerUrl', 'redirectUrl']);
    assert.equal(window.configs!.issuerUrl, 'http://127.0.0.1:7480/oauth2/acme');
    assert.equal(window.configs!.redirectUrl, 'http://localhost:5173/', "a native app's loopback IP and private-use scheme are skipped");
    assert.ok(!text.includes('never-in-a-browser'));
  });

  it('leaves redirectUrl out when no callback URL is a web page (the app then returns to its own page)', () => {
    assert.equal(browserRedirectUrl(['com.acme.app:/callback', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'not a url']), undefined);
    const { values } = browserConfigValues(signIn, ['http://127.0.0.1/callback']);
    assert.deepEqual(Object.keys(values!), ['apiUrl', 'tokenUrl', 'consumerKey', 'issuerUrl']);
  });

  it('has neither for keys that cannot sign people in, whatever callback URLs are given', () => {
    const { values } = browserConfigValues(config, ['https://app.acme.org/']);
    assert.deepEqual(Object.keys(values!), ['apiUrl', 'tokenUrl', 'consumerKey']);
  });
});
