// Every form's protocol accepts the messages its two sides send and refuses malformed ones with a stable code.
import * as assert from 'node:assert/strict';
import { addIdentityProviderProtocol } from '../../../src/webviews/addIdentityProvider/protocol';
import { identityProviderProtocol } from '../../../src/webviews/identityProvider/protocol';
import { configureAuthenticationProtocol } from '../../../src/webviews/configureAuthentication/protocol';
import { createConnectionProtocol } from '../../../src/webviews/createConnection/protocol';
import { createExternalConsumerProtocol } from '../../../src/webviews/createExternalConsumer/protocol';
import { createServiceProtocol, fieldIdOf } from '../../../src/webviews/createService/protocol';
import { parseMessage } from '../../../src/webviews/ipc';
import { overviewProtocol } from '../../../src/webviews/overview/protocol';

const now = '2026-01-01T00:00:00.000Z';
const consumer = {
  id: 'c1',
  orgHandle: 'stark',
  projectHandle: 'default',
  name: 'stark-mobile-app',
  displayName: 'Stark Mobile App',
  description: '',
  type: 'external-consumer',
  createdAt: now,
  updatedAt: now,
};
const service = {
  ...consumer,
  id: 's1',
  name: 'reading-list',
  displayName: 'Reading List',
  type: 'service',
  endpoints: [
    {
      name: 'books',
      visibility: 'Public',
      upstreamUrls: { development: 'http://127.0.0.1:9/' },
      gatewayUrls: { development: 'http://127.0.0.1:7480/gw/stark/default/reading-list/books/development' },
    },
  ],
};
const development = { id: 'e1', handle: 'development', name: 'Development', critical: false };
const auth = {
  componentId: 'c1',
  environment: 'development',
  identityProviderId: 'idp-1',
  identityProviderKind: 'built-in',
  identityProviderName: 'Choreo built-in identity provider',
  clientId: 'abc',
  hasSecret: true,
  tokenUrl: 'http://127.0.0.1:7480/oauth2/stark/token',
  createdAt: now,
  updatedAt: now,
};
const connection = {
  id: 'k1',
  componentId: 'c1',
  name: 'Reading List',
  serviceProjectHandle: 'default',
  serviceComponentName: 'reading-list',
  endpointName: 'books',
  createdAt: now,
};
const ref = { orgHandle: 'stark', projectHandle: 'default', componentName: 'stark-mobile-app' };

function accepts(schema: Parameters<typeof parseMessage>[0], message: unknown): void {
  const r = parseMessage(schema, message);
  assert.ok(r.ok, `expected to accept ${JSON.stringify(message)}: ${r.ok ? '' : r.reason}`);
}
function refuses(schema: Parameters<typeof parseMessage>[0], message: unknown, mention?: string): void {
  const r = parseMessage(schema, message);
  assert.equal(r.ok, false, `expected to refuse ${JSON.stringify(message)}`);
  if (!r.ok) {
    assert.equal(r.code, 'malformed_message');
    if (mention) assert.match(r.reason, new RegExp(mention));
  }
}

/** What every protocol refuses, whatever its messages. */
function refusesGarbage(schema: Parameters<typeof parseMessage>[0]): void {
  for (const junk of [undefined, null, 42, 'ready', [], {}, { type: 'no-such-message' }, { type: 'ready', extra: 1 }]) {
    refuses(schema, junk);
  }
}

describe('webview protocols', () => {
  describe('Create an External Consumer', () => {
    const p = createExternalConsumerProtocol;
    const create = {
      type: 'create',
      project: { orgHandle: 'stark', projectHandle: 'default' },
      displayName: 'Stark Mobile App',
      name: 'stark-mobile-app',
      description: '',
    };

    it('accepts ready, create and cancel from the form', () => {
      accepts(p.toHost, { type: 'ready' });
      accepts(p.toHost, create);
      accepts(p.toHost, { type: 'cancel' });
    });
    it('lets a create with a name that breaks the DNS-label rule through to the host, which answers on the field', () => {
      // The protocol checks shapes; the rule is the API's, so its message lands under the unique name.
      accepts(p.toHost, { ...create, name: 'Not A Label' });
    });
    it('refuses a create with a missing field, a wrong type, an unknown key, a bad project handle or a flood of text', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { ...create, name: undefined }, 'name');
      refuses(p.toHost, { ...create, description: 7 }, 'description');
      refuses(p.toHost, { ...create, type: 'create', admin: true });
      refuses(p.toHost, { ...create, project: { orgHandle: 'Stark Industries', projectHandle: 'default' } }, 'project.orgHandle');
      refuses(p.toHost, { ...create, description: 'x'.repeat(2001) }, 'description');
    });
    it('accepts init, busy and form errors from the host, and refuses a project list that is not one', () => {
      accepts(p.toWebview, { type: 'init', projects: [{ orgHandle: 'stark', orgName: 'Stark Industries', projectHandle: 'default', projectName: 'Default' }] });
      accepts(p.toWebview, { type: 'busy', busy: true });
      accepts(p.toWebview, { type: 'formError', code: 'name_taken', message: 'Taken.', fields: { name: 'Taken.' } });
      refusesGarbage(p.toWebview);
      refuses(p.toWebview, { type: 'init', projects: 'all' }, 'projects');
      refuses(p.toWebview, { type: 'busy', busy: 'yes' }, 'busy');
    });
    it('keeps the draft in its saved state, and only a draft', () => {
      accepts(p.state, { ref: 'create', displayName: 'A', name: 'a', nameEdited: false, description: '' });
      refuses(p.state, { ref: 'overview', displayName: 'A', name: 'a', nameEdited: false, description: '' });
    });
  });

  describe('Create a Service', () => {
    const p = createServiceProtocol;
    const endpoint = { name: 'api', visibility: 'Project', upstreamUrl: 'http://localhost:8080', perEnvironment: false, upstreamUrls: {} };
    const create = {
      type: 'create',
      project: { orgHandle: 'stark', projectHandle: 'default' },
      displayName: 'Inventory API',
      name: 'inventory-api',
      description: '',
      endpoints: [endpoint],
    };

    it('accepts ready, create, probe and cancel; a URL that is not one goes through to the host, which answers on its field', () => {
      for (const m of [{ type: 'ready' }, create, { type: 'probe', url: 'http://localhost:8080' }, { type: 'cancel' }]) accepts(p.toHost, m);
      accepts(p.toHost, { ...create, endpoints: [{ ...endpoint, upstreamUrl: 'localhost:8080' }] });
    });
    it('refuses no endpoint, more than the API allows, an unknown visibility, an empty probe, an unknown key and a flood of text', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { ...create, endpoints: [] }, 'endpoints');
      refuses(p.toHost, { ...create, endpoints: Array.from({ length: 51 }, () => endpoint) }, 'endpoints');
      refuses(p.toHost, { ...create, endpoints: [{ ...endpoint, visibility: 'Everyone' }] }, 'endpoints.0.visibility');
      refuses(p.toHost, { ...create, endpoints: [{ ...endpoint, upstreamUrl: 'x'.repeat(2001) }] }, 'endpoints.0.upstreamUrl');
      refuses(p.toHost, { ...create, endpoints: [{ ...endpoint, secret: 'x' }] });
      refuses(p.toHost, { type: 'probe', url: '' }, 'url');
    });
    it("accepts init with each organization's environments, and probe answers", () => {
      accepts(p.toWebview, {
        type: 'init',
        projects: [{ orgHandle: 'stark', orgName: 'Stark Industries', projectHandle: 'default', projectName: 'Default' }],
        environments: { stark: [{ handle: 'development', name: 'Development' }] },
      });
      accepts(p.toWebview, { type: 'probed', url: 'http://localhost:8080', answered: false, summary: 'did not answer: connection refused' });
      refuses(p.toWebview, { type: 'init', projects: [], environments: { 'Stark Industries': [] } }, 'environments');
      refuses(p.toWebview, { type: 'probed', url: 'http://localhost:8080', answered: 'yes', summary: '' }, 'answered');
    });
    it("names each field of an endpoint by the form's id: the one URL, or the URL of one environment", () => {
      assert.equal(fieldIdOf('endpoints.0.upstreamUrls.development', [{ perEnvironment: false }]), 'endpoint-0-url');
      assert.equal(fieldIdOf('endpoints.0.upstreamUrls.development', [{ perEnvironment: true }]), 'endpoint-0-url-development');
      assert.equal(fieldIdOf('endpoints.1.upstreamUrl', [{ perEnvironment: false }, { perEnvironment: false }]), 'endpoint-1-url');
      assert.equal(fieldIdOf('endpoints.0.name', [{ perEnvironment: false }]), 'endpoint-0-name');
      assert.equal(fieldIdOf('name', []), 'name');
    });
  });

  describe('Overview', () => {
    const p = overviewProtocol;
    it("accepts the Service Overview's actions, and refuses an endpoint or environment that is not a handle, and a consumer named by anything but a ref", () => {
      accepts(p.toHost, { type: 'saveUpstream', endpoint: 'books', environment: 'development', url: 'http://localhost:8080' });
      accepts(p.toHost, { type: 'saveUpstream', endpoint: 'books', environment: 'development', url: '' });
      accepts(p.toHost, { type: 'openConsumer', consumer: ref });
      refuses(p.toHost, { type: 'saveUpstream', endpoint: '../books', environment: 'development', url: '' }, 'endpoint');
      refuses(p.toHost, { type: 'saveUpstream', endpoint: 'books', environment: 'Dev Env', url: '' }, 'environment');
      refuses(p.toHost, { type: 'openConsumer', consumer: { ...ref, componentName: 'Stark App' } }, 'consumer.componentName');
      refuses(p.toHost, { type: 'openConsumer', ...ref });
      accepts(p.toWebview, {
        type: 'data',
        component: service,
        environments: [development],
        authConfigurations: [],
        connections: [],
        connectedConsumers: [
          {
            connectionId: 'c-1',
            endpointName: 'books',
            connectionName: 'Reading List',
            consumer: { orgHandle: 'stark', projectHandle: 'default', name: 'stark-mobile-app', displayName: 'Stark Mobile App' },
          },
        ],
      });
      accepts(p.toWebview, { type: 'saved', field: 'upstream-books-development' });
      accepts(p.toHost, {
        type: 'saveCors',
        endpoint: 'books',
        cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: [], allowCredentials: false, maxAge: 0 },
      });
      refuses(
        p.toHost,
        { type: 'saveCors', endpoint: 'books', cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: [], allowCredentials: 'yes', maxAge: 0 } },
        'allowCredentials',
      );
      accepts(p.toHost, { type: 'saveVisibility', endpoint: 'books', visibility: 'Organization' });
      refuses(p.toHost, { type: 'saveVisibility', endpoint: 'books', visibility: 'organization' }, 'visibility');
    });
    it("accepts the form's actions", () => {
      for (const m of [
        { type: 'ready' },
        { type: 'refresh' },
        { type: 'configure', environment: 'production' },
        { type: 'createConnection' },
        { type: 'insertSnippet', connectionName: 'Reading List' },
        { type: 'copy', text: 'http://x' },
      ]) {
        accepts(p.toHost, m);
      }
    });
    it('refuses an environment that is not a handle, an empty copy and unknown actions', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { type: 'configure', environment: '../../etc' }, 'environment');
      refuses(p.toHost, { type: 'copy', text: '' }, 'text');
      refuses(p.toHost, { type: 'insertSnippet' }, 'connectionName');
      refuses(p.toHost, { type: 'deleteComponent' });
    });
    it("accepts the data of a consumer and of a service, checked with the API's own schemas", () => {
      accepts(p.toWebview, { type: 'data', component: consumer, environments: [development], authConfigurations: [auth], connections: [connection] });
      accepts(p.toWebview, { type: 'data', component: service, environments: [development], authConfigurations: [], connections: [] });
    });
    it('refuses data whose component breaks the API contract', () => {
      refusesGarbage(p.toWebview);
      refuses(
        p.toWebview,
        { type: 'data', component: { ...consumer, type: 'database' }, environments: [], authConfigurations: [], connections: [] },
        'component.type',
      );
      refuses(
        p.toWebview,
        { type: 'data', component: consumer, environments: [{ handle: 'development' }], authConfigurations: [], connections: [] },
        'environments',
      );
    });
    it('restores from a saved state that names its component, and from nothing else', () => {
      accepts(p.state, { ref });
      refuses(p.state, {});
      refuses(p.state, { ref: { ...ref, componentName: 'Bad Name' } });
    });
  });

  describe('Configure', () => {
    const p = configureAuthenticationProtocol;
    it('accepts Generate Keys, Regenerate Secret, Add Keys, Copy Secret and the links', () => {
      for (const m of [
        { type: 'ready' },
        { type: 'generateKeys' },
        { type: 'regenerateSecret' },
        { type: 'addKeys', identityProviderId: 'idp-2', clientId: 'spa-client' },
        { type: 'copySecret' },
        { type: 'copyClientId' },
        { type: 'addIdentityProvider' },
        { type: 'openOverview' },
      ]) {
        accepts(p.toHost, m);
      }
    });
    it('refuses a form that tries to send a secret back, or Add Keys without a Client ID', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { type: 'copySecret', secret: 's3cr3t' });
      refuses(p.toHost, { type: 'addKeys', identityProviderId: 'idp-2' }, 'clientId');
      refuses(p.toHost, { type: 'generateKeys', environment: 'production' });
    });
    it("accepts the environment's data and a secret issued once; refuses an empty secret", () => {
      const issuer = 'http://127.0.0.1:7480/oauth2/stark';
      accepts(p.toWebview, { type: 'data', component: consumer, environment: development, authConfiguration: auth, identityProviders: [], issuer });
      accepts(p.toWebview, { type: 'data', component: consumer, environment: development, authConfiguration: null, identityProviders: [], issuer });
      accepts(p.toWebview, { type: 'keySettingsSaved' });
      accepts(p.toWebview, { type: 'secretIssued', clientId: 'abc', clientSecret: 'xyz', tokenUrl: auth.tokenUrl });
      refusesGarbage(p.toWebview);
      refuses(p.toWebview, { type: 'secretIssued', clientId: 'abc', clientSecret: '', tokenUrl: auth.tokenUrl }, 'clientSecret');
      refuses(p.toWebview, { type: 'data', component: consumer, environment: development, identityProviders: [], issuer: 'http://x' }, 'authConfiguration');
    });
    const draft = {
      grantTypes: ['authorization_code'],
      callbackUrls: ['http://localhost:5173/cb'],
      postLogoutRedirectUrls: [],
      publicClient: true,
      pkceRequired: true,
      expiry: { applicationAccessToken: '3600', userAccessToken: '3600', refreshToken: '86400', idToken: 'soon' },
    };
    it('takes key settings as typed (the host checks the rules), but only the grants and fields there are', () => {
      accepts(p.toHost, { type: 'saveKeySettings', settings: draft });
      accepts(p.toHost, { type: 'saveKeySettings', settings: { ...draft, callbackUrls: ['not a url'] } });
      refuses(p.toHost, { type: 'saveKeySettings', settings: { ...draft, grantTypes: ['password'] } }, 'settings');
      refuses(p.toHost, { type: 'saveKeySettings', settings: { ...draft, clientSecret: 'xyz' } }, 'settings');
      refuses(p.toHost, { type: 'saveKeySettings', settings: { ...draft, expiry: { idToken: '3600' } } }, 'settings');
      accepts(p.state, { ref: { ...ref, environment: 'development' }, keySettings: draft });
    });
    it('has no place for a secret in its saved state', () => {
      accepts(p.state, { ref: { ...ref, environment: 'development' }, tab: 'external', clientId: 'spa-client' });
      refuses(p.state, { ref: { ...ref, environment: 'development' }, clientSecret: 'xyz' });
      refuses(p.state, { ref });
      refuses(p.state, { ref: { ...ref, environment: 'development' }, tab: 'other' });
    });
  });

  describe('Create Connection', () => {
    const p = createConnectionProtocol;
    const create = { type: 'create', name: 'Reading List', serviceProjectHandle: 'default', serviceComponentName: 'reading-list', endpointName: 'books' };
    it('accepts create, Insert Snippet and back to Overview', () => {
      accepts(p.toHost, { type: 'ready' });
      accepts(p.toHost, create);
      accepts(p.toHost, { type: 'insertSnippet', connectionName: 'Reading List' });
      accepts(p.toHost, { type: 'openOverview' });
      accepts(p.toHost, { type: 'openService', projectHandle: 'books', componentName: 'reading-list' });
      accepts(p.toHost, { type: 'createService' });
    });
    it('refuses a create that is missing its endpoint or carries extra keys', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { type: 'openService', projectHandle: '../x', componentName: 'reading-list' }, 'projectHandle');
      refuses(p.toHost, { ...create, endpointName: undefined }, 'endpointName');
      refuses(p.toHost, { ...create, componentId: 'c1' });
      refuses(p.toHost, { type: 'insertSnippet', connectionName: '' }, 'connectionName');
    });
    it('accepts services and a created connection, and refuses a connection without its endpoint', () => {
      accepts(p.toWebview, { type: 'data', component: consumer, services: [{ projectHandle: 'default', projectName: 'Default', service }] });
      accepts(p.toWebview, { type: 'data', component: consumer, services: [], suggestedName: 'Orders Api' });
      accepts(p.toWebview, { type: 'created', connection });
      refusesGarbage(p.toWebview);
      refuses(p.toWebview, { type: 'created', connection: { ...connection, endpointName: undefined } }, 'connection.endpointName');
    });
    it('remembers a created connection across a reload, so Insert Snippet is still offered', () => {
      accepts(p.state, { ref, service: 'default/reading-list', endpointName: 'books', name: 'Reading List', createdConnection: 'Reading List' });
      refuses(p.state, { service: 'default/reading-list' });
    });
  });

  describe('Add Identity Provider', () => {
    const p = addIdentityProviderProtocol;
    const create = {
      type: 'create',
      name: 'Stark IdP',
      description: '',
      wellKnownUrl: 'https://idp.example/.well-known/openid-configuration',
      environments: ['production'],
      audiences: [],
    };
    it('accepts create (every environment when none is ticked) and cancel', () => {
      accepts(p.toHost, { type: 'ready' });
      accepts(p.toHost, create);
      accepts(p.toHost, { ...create, environments: [] });
      accepts(p.toHost, { type: 'cancel' });
    });
    it('refuses an environment that is not a handle, a flood of text, or the name of another organization', () => {
      refusesGarbage(p.toHost);
      refuses(p.toHost, { ...create, environments: ['Production; drop'] }, 'environments');
      refuses(p.toHost, { ...create, wellKnownUrl: 'x'.repeat(5000) }, 'wellKnownUrl');
      refuses(p.toHost, { ...create, audiences: Array.from({ length: 51 }, (_, i) => `https://api${i}.example`) }, 'audiences');
      refuses(p.toHost, { ...create, orgHandle: 'wayne-enterprises' });
    });
    it("accepts the organization's environments, and keeps a draft across a reload", () => {
      accepts(p.toWebview, { type: 'data', orgName: 'Stark Industries', environments: [development], gatewayAudience: 'http://127.0.0.1:7480/gw' });
      refusesGarbage(p.toWebview);
      accepts(p.state, { ref: { orgHandle: 'stark' }, name: 'Stark IdP', wellKnownUrl: 'https://idp.example', environments: ['development'] });
      refuses(p.state, { name: 'Stark IdP' });
    });
  });
  describe('Identity provider overview', () => {
    const p = identityProviderProtocol;
    const provider = {
      id: 'idp-1',
      orgHandle: 'stark',
      kind: 'external',
      name: 'Stark IdP',
      description: '',
      wellKnownUrl: 'https://idp.example/.well-known/openid-configuration',
      issuer: 'https://idp.example',
      tokenEndpoint: 'https://idp.example/token',
      jwksUri: 'https://idp.example/jwks',
      environments: 'all',
      audiences: [],
      createdAt: '2025-01-01T00:00:00.000Z',
      usedBy: [
        { orgHandle: 'stark', projectHandle: 'default', componentName: 'stark-mobile-app', displayName: 'Stark Mobile App', environment: 'development' },
      ],
    };
    it('accepts its actions; a consumer to open only by its place in the list the page was sent', () => {
      for (const type of ['ready', 'reload', 'refresh', 'delete']) accepts(p.toHost, { type });
      accepts(p.toHost, { type: 'openConsumer', index: 0 });
      refuses(p.toHost, { type: 'openConsumer', index: -1 }, 'index');
      refuses(p.toHost, { type: 'openConsumer', index: 0, componentName: 'batmobile' });
      refuses(p.toHost, { type: 'delete', identityProviderId: 'another' });
      refusesGarbage(p.toHost);
    });
    it('accepts the provider with its users and what a refresh changed; keeps only its ref across a reload', () => {
      accepts(p.toWebview, { type: 'data', provider, environments: [development] });
      accepts(p.toWebview, { type: 'data', provider, environments: [development], refreshed: ['Token endpoint: a → b'] });
      refuses(p.toWebview, { type: 'data', provider, environments: [development], refreshed: 'Nothing changed' }, 'refreshed');
      refusesGarbage(p.toWebview);
      accepts(p.state, { ref: { orgHandle: 'stark', identityProviderId: 'idp-1' } });
      refuses(p.state, { ref: { orgHandle: 'Stark Industries', identityProviderId: 'idp-1' } });
    });
  });
});
