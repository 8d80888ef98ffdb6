// The `choreo` launch attribute, resolved as the '*' debug configuration provider resolves it, against a real control
// plane (with its gateway and the sample Greeting Service) and the real vault over an in-memory SecretStorage. The
// debuggers that cannot be installed here (Python's debugpy, Go's, Java's) take `env` as Node's does: each gets the
// consumer's values, keeps what it sets, and is refused, naming every missing value and its fix, before it starts.
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Component } from '../../../src/api';
import { DEFAULT_KEY_SETTINGS, type GrantType } from '../../../src/api/keySettings';
import type { WorkspaceLink } from '../../../src/editor/linkFile';
import { linkText } from '../../../src/editor/linkFile';
import { parseDebugAttribute, withConnectionValues, type LaunchConfiguration } from '../../../src/launch/debugAttribute';
import { createConnection } from '../../../src/useCases/createConnection';
import { createExternalConsumer } from '../../../src/useCases/createExternalConsumer';
import type { FixableError } from '../../../src/useCases/connectionEnvironment';
import { generateKeys } from '../../../src/useCases/keys';
import { componentTargetOf, resolveEnvironment } from '../../../src/useCases/targets';
import { fakeVscode, requireWithFakeVscode } from '../useCases/fakeVscode';
import { startWorld, type World } from '../useCases/world';

const ORG = 'stark-industries';
const PROJECT = 'default';
const VARS = ['CHOREO_GREETING_SERVICEURL', 'CHOREO_GREETING_CONSUMERKEY', 'CHOREO_GREETING_CONSUMERSECRET', 'CHOREO_GREETING_TOKENURL'];

/** Launch configurations as each debugger's users write them (the attribute added). */
type Config = LaunchConfiguration & { env?: Record<string, string> };
const CONFIGS: Record<string, Config> = {
  debugpy: { type: 'debugpy', request: 'launch', name: 'Python: client', program: '/w/choreo_connection.py', env: { PYTHONUNBUFFERED: '1' } },
  go: { type: 'go', request: 'launch', name: 'Go: client', mode: 'debug', program: '/w/main.go', env: { GOFLAGS: '-mod=mod' } },
  java: { type: 'java', request: 'launch', name: 'Java: client', mainClass: '/w/ChoreoConnectionClient.java', env: { JAVA_TOOL_OPTIONS: '-Xmx256m' } },
  node: { type: 'node', request: 'launch', name: 'Node: client', program: '/w/choreo-connection.js' },
};

function refusedWith(code: string, check: (e: FixableError) => void = () => undefined) {
  return (e: FixableError) => {
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  };
}

describe("The choreo launch attribute: a linked consumer's connection values in any debugger's env", function () {
  this.timeout(30_000);
  let world: World;
  let consumer: Component;
  let link: WorkspaceLink;
  let secret: string;

  before(async () => {
    world = await startWorld();
    await world.client.createOrganization({ name: 'Stark Industries' });
    consumer = await createExternalConsumer(world.ctx, { orgHandle: ORG, projectHandle: PROJECT }, { displayName: 'Stark Mobile App' });
    const issued = await generateKeys(world.ctx, await resolveEnvironment(world.ctx, { ...componentTargetOf(consumer), environment: 'development' }));
    secret = issued.clientSecret;
    const service = (await world.client.listComponents(ORG, PROJECT, { type: 'service' })).items[0]!;
    const endpointName = service.endpoints![0]!.name;
    await createConnection(world.ctx, componentTargetOf(consumer), { name: 'Greeting', serviceComponentName: service.name, endpointName });
    await createConnection(world.ctx, componentTargetOf(consumer), { name: 'Greeting Again', serviceComponentName: service.name, endpointName });
    link = { controlPlane: 'local', organization: ORG, project: PROJECT, externalConsumer: consumer.name };
  });
  after(async () => {
    await world?.close();
  });

  const withAttribute = (type: string, choreo: unknown): Config => ({ ...CONFIGS[type]!, choreo });

  for (const type of ['debugpy', 'go', 'java', 'node']) {
    it(`${type}: env gets the connection's four values, the secret from SecretStorage; the rest of the configuration is as written`, async () => {
      const { config } = await withConnectionValues(world.ctx, link, withAttribute(type, { environment: 'development', connection: 'Greeting' }));
      const env = config.env as Record<string, string>;
      assert.deepEqual(
        Object.keys(env)
          .filter((k) => k.startsWith('CHOREO_'))
          .sort(),
        [...VARS].sort(),
      );
      assert.equal(env.CHOREO_GREETING_CONSUMERSECRET, secret);
      assert.match(env.CHOREO_GREETING_SERVICEURL!, /^http:\/\/127\.0\.0\.1:\d+\/gw\/stark-industries\/default\/.+\/development$/);
      const { env: _env, ...rest } = config;
      const { env: writtenEnv, ...written } = withAttribute(type, { environment: 'development', connection: 'Greeting' });
      assert.deepEqual(rest, written, 'nothing else changed');
      for (const [k, v] of Object.entries((writtenEnv ?? {}) as Record<string, string>)) assert.equal(env[k], v, `${k} kept`);
    });
  }

  it('the values work: a token from the token URL with the key and secret, then the Greeting Service through the gateway', async () => {
    const { config } = await withConnectionValues(world.ctx, link, withAttribute('debugpy', { environment: 'Development' }));
    const env = config.env as Record<string, string>;
    const basic = Buffer.from(`${env.CHOREO_GREETING_CONSUMERKEY}:${env.CHOREO_GREETING_CONSUMERSECRET}`).toString('base64');
    const token = await fetch(env.CHOREO_GREETING_TOKENURL!, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const answer = await fetch(`${env.CHOREO_GREETING_AGAIN_SERVICEURL}/greeting?name=Ada`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.match(await answer.text(), /Hello, Ada!/);
  });

  it('every connection without "connection"; values the configuration sets win, and the log names variables, never values', async () => {
    const before = world.lines.length;
    const { config } = await withConnectionValues(world.ctx, link, {
      ...CONFIGS.go!,
      env: { CHOREO_GREETING_SERVICEURL: 'http://localhost:9999/mine' },
      choreo: { environment: 'development' },
    });
    const env = config.env as Record<string, string>;
    assert.equal(env.CHOREO_GREETING_SERVICEURL, 'http://localhost:9999/mine');
    assert.equal(env.CHOREO_GREETING_AGAIN_CONSUMERSECRET, secret);
    assert.equal(Object.keys(env).length, 8);
    const logged = world.lines.slice(before).join('\n');
    assert.match(logged, /CHOREO_GREETING_AGAIN_CONSUMERSECRET/);
    assert.match(logged, /as the launch sets them: CHOREO_GREETING_SERVICEURL/);
    assert.ok(!logged.includes(secret), 'no secret in the log');
  });

  it('refuses before launch where the consumer has no keys (Production), naming each missing value, with Generate Keys for that environment', async () => {
    for (const type of ['debugpy', 'go', 'java']) {
      await assert.rejects(
        withConnectionValues(world.ctx, link, withAttribute(type, { environment: 'production', connection: 'Greeting' })),
        refusedWith('not_configured', (e) => {
          assert.match(
            e.message,
            /^Not started: CHOREO_GREETING_CONSUMERSECRET, CHOREO_GREETING_CONSUMERKEY have no value\. Stark Mobile App has no keys in Production: Generate Keys there/,
          );
          assert.deepEqual(
            e.fixes.map((f) => [f.title, f.command]),
            [['Generate Keys', 'choreo.generateKeys']],
          );
          assert.equal((e.fixes[0]!.args[0] as { environment: string }).environment, 'production');
        }),
      );
    }
  });

  it('refuses when this VS Code keeps no secret (the keys were generated elsewhere), with Regenerate Secret; a secret the configuration sets itself is not missing', async () => {
    const kept = new Map(world.secrets);
    world.secrets.clear();
    try {
      await assert.rejects(
        withConnectionValues(world.ctx, link, withAttribute('java', { environment: 'development', connection: 'Greeting' })),
        refusedWith('no_secret', (e) => {
          assert.match(
            e.message,
            /^Not started: CHOREO_GREETING_CONSUMERSECRET has no value\. This VS Code keeps no secret for Stark Mobile App in Development/,
          );
          assert.deepEqual(
            e.fixes.map((f) => f.title),
            ['Regenerate Secret'],
          );
        }),
      );
      const { config } = await withConnectionValues(world.ctx, link, {
        ...withAttribute('java', { environment: 'development', connection: 'Greeting' }),
        env: { CHOREO_GREETING_CONSUMERSECRET: 'from-my-vault' },
      });
      assert.equal((config.env as Record<string, string>).CHOREO_GREETING_CONSUMERSECRET, 'from-my-vault');
    } finally {
      for (const [k, v] of kept) world.secrets.set(k, v);
    }
  });

  it("a public client's keys (a native app): no secret is missing, none is asked of SecretStorage; IssuerURL is in env", async () => {
    const kept = new Map(world.secrets);
    world.secrets.clear();
    const settings = {
      ...DEFAULT_KEY_SETTINGS,
      grantTypes: ['authorization_code', 'refresh_token'] as GrantType[],
      callbackUrls: ['http://127.0.0.1/callback'],
    };
    await world.client.updateKeySettings(ORG, PROJECT, consumer.name, 'development', { ...settings, publicClient: true });
    try {
      const { config } = await withConnectionValues(world.ctx, link, withAttribute('go', { environment: 'development', connection: 'Greeting' }));
      assert.deepEqual(Object.keys(config.env as Record<string, string>).sort(), [
        'CHOREO_GREETING_CONSUMERKEY',
        'CHOREO_GREETING_ISSUERURL',
        'CHOREO_GREETING_SERVICEURL',
        'CHOREO_GREETING_TOKENURL',
        'GOFLAGS',
      ]);
    } finally {
      await world.client.updateKeySettings(ORG, PROJECT, consumer.name, 'development', DEFAULT_KEY_SETTINGS);
      for (const [k, v] of kept) world.secrets.set(k, v);
    }
  });

  it('names what is wrong with the attribute, an environment or connection that does not exist, and a link to another control plane', async () => {
    for (const bad of ['development', { env: 'development' }, {}, { environment: '' }, { environment: 'development', connection: 7 }]) {
      assert.throws(
        () => parseDebugAttribute(bad),
        refusedWith('invalid_attribute', (e) => assert.match(e.message, /"choreo"/)),
      );
    }
    await assert.rejects(
      withConnectionValues(world.ctx, link, withAttribute('go', { environment: 'staging' })),
      refusedWith('unknown_environment', (e) => assert.match(e.message, /"development", "production"/)),
    );
    await assert.rejects(
      withConnectionValues(world.ctx, link, withAttribute('go', { environment: 'development', connection: 'Weather' })),
      refusedWith('no_connection', (e) => {
        assert.match(e.message, /no connection "Weather" \(it has "Greeting", "Greeting Again"\)/);
        assert.deepEqual(
          e.fixes.map((f) => f.title),
          ['Create Connection'],
        );
      }),
    );
    await assert.rejects(
      withConnectionValues(world.ctx, { ...link, controlPlane: 'https://choreo.example.com' }, withAttribute('go', { environment: 'development' })),
      refusedWith('other_control_plane', (e) =>
        assert.deepEqual(
          e.fixes.map((f) => f.title),
          ['Switch Control Plane', 'Link Workspace'],
        ),
      ),
    );
    await assert.rejects(
      withConnectionValues(world.ctx, { ...link, externalConsumer: 'gone-app' }, withAttribute('go', { environment: 'development' })),
      refusedWith('not_found', (e) =>
        assert.deepEqual(
          e.fixes.map((f) => f.title),
          ['Link Workspace'],
        ),
      ),
    );
  });

  describe('the provider in VS Code (vscode at the edge)', () => {
    type Provider = typeof import('../../../src/launch/debugConfigurationProvider');
    let provider: Provider;
    let folder: { uri: { fsPath: string }; name: string; index: number };
    const refusals: unknown[] = [];

    before(() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'choreo-launch-'));
      folder = { uri: { fsPath: dir }, name: 'client', index: 0 };
      Object.assign(fakeVscode, {
        Uri: {
          file: (p: string) => ({ fsPath: p }),
          joinPath: (base: { fsPath: string }, ...parts: string[]) => ({ fsPath: path.join(base.fsPath, ...parts) }),
        },
        workspace: {
          workspaceFolders: [folder],
          getWorkspaceFolder: (uri: { fsPath: string }) => (uri.fsPath.startsWith(dir) ? folder : undefined),
          fs: { readFile: async (uri: { fsPath: string }) => (await import('node:fs/promises')).readFile(uri.fsPath) },
        },
      });
      provider = requireWithFakeVscode<Provider>('../../../src/launch/debugConfigurationProvider');
    });

    it('a folder with no link: the launch does not start, and the refusal offers Link Workspace', async () => {
      const resolved = await provider.resolveWithConnectionValues(
        world.ctx,
        folder as never,
        withAttribute('debugpy', { environment: 'development' }) as never,
        (e) => refusals.push(e),
      );
      assert.equal(resolved, undefined);
      const e = refusals.pop() as FixableError;
      assert.equal(e.code, 'not_linked');
      assert.deepEqual(
        e.fixes.map((f) => f.title),
        ['Link Workspace'],
      );
    });

    it('the linked folder (its .choreo/consumer.json): the configuration to launch, with the values in env', async () => {
      mkdirSync(path.join(folder.uri.fsPath, '.choreo'));
      writeFileSync(path.join(folder.uri.fsPath, '.choreo', 'consumer.json'), linkText(link));
      const resolved = await provider.resolveWithConnectionValues(
        world.ctx,
        undefined,
        withAttribute('debugpy', { environment: 'development' }) as never,
        (e) => refusals.push(e),
      );
      assert.deepEqual(refusals, []);
      assert.equal((resolved!.env as Record<string, string>).CHOREO_GREETING_CONSUMERSECRET, secret);
      assert.equal(resolved!.env.PYTHONUNBUFFERED, '1');
    });
  });
});
