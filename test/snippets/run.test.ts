// RUN tests: each language's connection snippet, written to a file and run with its own toolchain, with the variables
// of a real connection on the project's control plane: a token from TokenURL, a Bearer call to ServiceURL (the
// gateway), and the upstream's answer back. Twice: with the built-in identity provider (Generate Keys) and with an
// external one (oidc-provider, Add Keys), since the snippet then talks to a token endpoint no one here wrote.
import './tmplLoader';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { Component, Connection, ConnectionConfig, paths, type ConnectionKey } from '../../src/api';
import { connectionValue, connectionVariables, renderConnectionFile, snippetLanguage } from '../../src/snippets';
import type { ConnectionBackend } from './fixtures/connectionBackend';
import { ENVIRONMENT, startControlPlaneBackends, type ControlPlaneBackends } from './fixtures/controlPlaneBackend';
import { REFUSAL_MESSAGE } from './fixtures/refusingUpstream';
import { UPSTREAM_BASE_PATH } from './fixtures/upstream';
import { binWithoutJq, runProgram, RUNNERS, type LanguageRunner, type RunResult } from './runners';

const SERVICE_PATH = '/greeting?name=external-consumer';

/** The config with some variables renamed, as configurations.env in component.yaml can do. */
function renamed(config: ConnectionConfig, names: Partial<Record<ConnectionKey, string>>): ConnectionConfig {
  return { ...config, entries: config.entries.map((e) => ({ ...e, envVariableName: names[e.key] ?? e.envVariableName })) };
}

/** The process environment a user's program would see: PATH and HOME, plus the connection's variables made the way
 * Write .env makes them (names from the config, the secret from the vault; none when `consumerSecret` is undefined). */
function environmentFor(config: ConnectionConfig, consumerSecret: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8' };
  const { variables } = connectionVariables(config, consumerSecret === undefined ? {} : { ConsumerSecret: consumerSecret });
  for (const { name, value } of variables) env[name] = value;
  return env;
}

function value(config: ConnectionConfig, key: ConnectionKey): string {
  const found = connectionValue(config, key);
  assert.ok(found, `the connection config carries ${key}`);
  return found;
}

function variableName(config: ConnectionConfig, key: ConnectionKey): string {
  return config.entries.find((e) => e.key === key)!.envVariableName;
}

/** What each side saw during `action`: token requests, gateway calls at the public URL, calls at the upstream. */
async function observe<T>(backend: ConnectionBackend, action: () => Promise<T>) {
  const tokens = backend.tokenRequests();
  const gateway = backend.gatewayCalls.length;
  const upstream = backend.upstreamCalls.length;
  const result = await action();
  return {
    result,
    tokenRequests: backend.tokenRequests() - tokens,
    gatewayCalls: backend.gatewayCalls.slice(gateway),
    upstreamCalls: backend.upstreamCalls.slice(upstream),
  };
}

/** How a refused token request reads: the OAuth error, after the HTTP status where the snippet's library gives it. */
function tokenRefusal(runner: LanguageRunner, tokenUrl: string): string {
  return `Token request to ${tokenUrl} was refused: ${runner.tokenRefusalHasStatus === false ? '' : 'HTTP 401 '}invalid_client`;
}

/** The harness's lines (./harness/README.md): one per call, `ok <body>` or `error <message>`. */
function harnessLines(result: RunResult): string[] {
  assert.equal(result.code, 0, `harness exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => /^(ok|error) /.test(line));
}

const missingToolchain = new Map<string, Promise<string | undefined>>();
const missing = (runner: LanguageRunner) => {
  if (!missingToolchain.has(runner.language)) missingToolchain.set(runner.language, runner.missing());
  return missingToolchain.get(runner.language)!;
};

describe('connection snippets run as inserted, against the control plane, its gateway and an upstream', function () {
  this.timeout(180_000);
  let backends: ControlPlaneBackends;
  let workDir: string;

  before(async () => {
    backends = await startControlPlaneBackends();
    workDir = await mkdtemp(path.join(tmpdir(), 'choreo-snippets-run-'));
  });
  after(async () => {
    await backends?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function write(runner: LanguageRunner, config: ConnectionConfig, tag: string, servicePath = SERVICE_PATH): Promise<{ dir: string; file: string }> {
    const dir = await mkdtemp(path.join(workDir, `${runner.language}-${tag}-`));
    const file = path.join(dir, snippetLanguage(runner.language)!.fileName);
    await writeFile(file, renderConnectionFile(runner.language, config, servicePath));
    return { dir, file };
  }

  const kinds = [
    { kind: 'builtIn', title: 'built-in identity provider (Generate Keys)' },
    { kind: 'external', title: 'external identity provider (oidc-provider, Add Keys)' },
  ] as const;

  for (const { kind, title } of kinds) {
    describe(title, () => {
      const backend = () => backends[kind];

      for (const runner of RUNNERS) {
        describe(`${runner.language} (${runner.toolchain})`, () => {
          before(async function () {
            const why = await missing(runner);
            if (why) {
              console.log(`      skipped ${runner.language}: ${why}`);
              this.skip();
            }
          });

          it('gets a token at TokenURL, calls ServiceURL, and the upstream answers through the gateway', async () => {
            const b = backend();
            const { dir, file } = await write(runner, b.config, `${kind}-ok`);
            const seen = await observe(b, () => runner.run(dir, file, environmentFor(b.config, b.consumerSecret)));
            const { code, stdout, stderr } = seen.result;
            assert.equal(code, 0, `exit ${code}\nstdout: ${stdout}\nstderr: ${stderr}`);
            const answer = JSON.parse(stdout.trim()) as { nonce: string; path: string; clientId: string };
            assert.equal(answer.nonce, b.upstreamNonce, 'the answer came from the upstream');
            assert.equal(answer.path, `${UPSTREAM_BASE_PATH}${SERVICE_PATH}`, 'the gateway forwarded the service path and query');
            assert.equal(answer.clientId, value(b.config, 'ConsumerKey'), "the gateway call carried this consumer's token");
            assert.equal(seen.tokenRequests, 1, 'one token request');
            const target = new URL(value(b.config, 'ServiceURL') + SERVICE_PATH);
            assert.deepEqual(
              seen.gatewayCalls.map((c) => [c.path, c.status]),
              [[target.pathname + target.search, 200]],
              'one call at the gateway, let through',
            );
            assert.equal(seen.upstreamCalls.length, 1, 'one call reached the upstream');
            assert.equal(seen.upstreamCalls[0]!.sawAuthorization, false, 'the gateway kept the token from the upstream');
          });

          it('with a wrong secret, fails with the token endpoint status and OAuth error', async () => {
            const b = backend();
            const { dir, file } = await write(runner, b.config, `${kind}-wrong-secret`);
            const wrongSecret = `wrong-${b.consumerSecret.slice(0, 8)}`;
            const seen = await observe(b, () => runner.run(dir, file, environmentFor(b.config, wrongSecret)));
            const { code, stdout, stderr } = seen.result;
            assert.notEqual(code, 0, `should fail; stdout: ${stdout}`);
            assert.ok(stderr.includes(tokenRefusal(runner, value(b.config, 'TokenURL'))), stderr);
            assert.ok(!stderr.includes(wrongSecret) && !stdout.includes(wrongSecret), 'the secret is never printed');
            assert.equal(seen.tokenRequests, 1);
            assert.equal(seen.gatewayCalls.length, 0, 'no call went to the gateway');
            assert.equal(seen.upstreamCalls.length, 0);
          });

          it("with the connection deleted, fails with the gateway's 403 naming the missing connection", async () => {
            const b = backend();
            const { dir, file } = await write(runner, b.config, `${kind}-deleted`);
            await b.deleteConnection();
            let seen;
            try {
              seen = await observe(b, () => runner.run(dir, file, environmentFor(b.config, b.consumerSecret)));
            } finally {
              await b.restoreConnection();
            }
            const { code, stdout, stderr } = seen.result;
            assert.notEqual(code, 0, `should fail; stdout: ${stdout}`);
            assert.ok(stderr.includes(`The service at ${value(b.config, 'ServiceURL')}${SERVICE_PATH} answered HTTP 403`), stderr);
            // The message of the gateway's JSON error, whole (its advice comes last and used to be cut at 200 characters).
            assert.ok(
              stderr.includes(
                `The external consumer "${b.consumerName}" has no connection to the endpoint "api" of default/hr-service. Create a connection from ${b.consumerName} to hr-service/api.`,
              ),
              stderr,
            );
            assert.ok(!stderr.includes('{"error"'), `the message, not the raw JSON: ${stderr}`);
            assert.deepEqual(
              seen.gatewayCalls.map((c) => c.status),
              [403],
            );
            assert.equal(seen.upstreamCalls.length, 0, 'nothing reached the upstream');
          });

          if (kind === 'builtIn') {
            it('names a missing variable, and asks for no token', async () => {
              const b = backend();
              const { dir, file } = await write(runner, b.config, 'missing');
              const seen = await observe(b, () => runner.run(dir, file, environmentFor(b.config, undefined)));
              assert.notEqual(seen.result.code, 0);
              assert.ok(seen.result.stderr.includes(`Missing environment variable ${variableName(b.config, 'ConsumerSecret')}`), seen.result.stderr);
              assert.equal(seen.tokenRequests, 0, 'no token request without all variables');
              assert.equal(seen.gatewayCalls.length, 0);
            });
          }
        });
      }
    });
  }

  describe('one token request at a time, and a token the service refuses replaced once', () => {
    for (const runner of RUNNERS) {
      describe(`${runner.language} (${runner.toolchain})`, () => {
        before(async function () {
          const why = await missing(runner);
          if (why) {
            console.log(`      skipped ${runner.language}: ${why}`);
            this.skip();
          }
        });
        const harnessEnv = (config: ConnectionConfig, secret: string) => ({ ...environmentFor(config, secret), CHOREO_HARNESS_PATH: SERVICE_PATH });

        it('two calls at once share one token request, and a later call reuses the token', async () => {
          const b = backends.builtIn;
          const { dir, file } = await write(runner, b.config, 'at-once');
          // The token endpoint answers slowly, so the two calls surely overlap while the token is on its way.
          backends.slowBuiltInTokens(400);
          let seen;
          try {
            seen = await observe(b, () => runner.harness(dir, file, harnessEnv(b.config, b.consumerSecret), async () => undefined));
          } finally {
            backends.slowBuiltInTokens(undefined);
          }
          const lines = harnessLines(seen.result);
          assert.equal(lines.length, 3, seen.result.stdout);
          for (const line of lines) assert.ok(line.startsWith('ok ') && line.includes(b.upstreamNonce), line);
          assert.equal(seen.tokenRequests, 1, 'one token request for the three calls');
          assert.deepEqual(
            seen.gatewayCalls.map((c) => c.status),
            [200, 200, 200],
          );
        });

        it("after Regenerate Secret, the next call asks for one new token and fails with the control plane's message", async () => {
          // A consumer of its own: the old secret's refusal counts towards the token endpoint's lockout of its client ID.
          const b = await backends.builtInConsumer(`regenerated-${runner.language}`);
          const { dir, file } = await write(runner, b.config, 'regenerated');
          const oldSecret = b.consumerSecret;
          // The program keeps the secret it started with, as one does that read its .env before the secret changed.
          const seen = await observe(b, () => runner.harness(dir, file, harnessEnv(b.config, oldSecret), () => b.regenerateSecret()));
          assert.notEqual(b.consumerSecret, oldSecret, 'the secret was regenerated between the calls');
          const lines = harnessLines(seen.result);
          assert.equal(lines.length, 3, seen.result.stdout);
          assert.ok(lines[0]!.startsWith('ok ') && lines[1]!.startsWith('ok '), lines.join('\n'));
          assert.ok(
            lines[2]!.startsWith(`error ${tokenRefusal(runner, value(b.config, 'TokenURL'))}: Client authentication failed: unknown client, wrong secret`),
            lines[2],
          );
          assert.ok(!seen.result.stdout.includes(oldSecret) && !seen.result.stderr.includes(oldSecret), 'the secret is never printed');
          assert.equal(seen.tokenRequests, 2, 'the first token, then one more after the gateway refused the revoked one');
          assert.deepEqual(
            seen.gatewayCalls.map((c) => c.status),
            [200, 200, 401],
            'the cached token was refused, and no call went out without a token',
          );
        });

        it('a token the service refuses (401) is replaced once, and the call goes through', async () => {
          const b = backends.builtIn;
          const { config, upstream } = backends.revoking;
          const { dir, file } = await write(runner, config, 'refused-once');
          const before = upstream.calls();
          upstream.refuseNext(1);
          const seen = await observe(b, () => runner.run(dir, file, environmentFor(config, b.consumerSecret)));
          const { code, stdout, stderr } = seen.result;
          assert.equal(code, 0, `exit ${code}\nstdout: ${stdout}\nstderr: ${stderr}`);
          assert.equal((JSON.parse(stdout.trim()) as { nonce: string }).nonce, upstream.nonce);
          assert.equal(seen.tokenRequests, 2, 'a new token after the 401');
          assert.deepEqual(
            seen.gatewayCalls.map((c) => c.status),
            [401, 200],
          );
          assert.equal(upstream.calls() - before, 2);
        });

        it("refused twice: one new token and one retry only, then the service's message", async () => {
          const b = backends.builtIn;
          const { config, upstream } = backends.revoking;
          const { dir, file } = await write(runner, config, 'refused-twice');
          upstream.refuseNext(2);
          let seen;
          try {
            seen = await observe(b, () => runner.run(dir, file, environmentFor(config, b.consumerSecret)));
          } finally {
            upstream.refuseNext(0);
          }
          const { code, stdout, stderr } = seen.result;
          assert.notEqual(code, 0, `should fail; stdout: ${stdout}`);
          assert.ok(stderr.includes(`The service at ${value(config, 'ServiceURL')}${SERVICE_PATH} answered HTTP 401: ${REFUSAL_MESSAGE}`), stderr);
          assert.equal(seen.tokenRequests, 2);
          assert.deepEqual(
            seen.gatewayCalls.map((c) => c.status),
            [401, 401],
            'tried twice, not in a loop',
          );
        });
      });
    }
  });

  describe('the connection config', () => {
    it('names the variables CHOREO_<CONNECTION_NAME>_* and carries no secret', () => {
      for (const b of [backends.builtIn, backends.external]) {
        assert.deepEqual(
          b.config.entries.map((e) => [e.key, e.envVariableName, e.isSensitive, e.value === undefined]),
          [
            ['ServiceURL', 'CHOREO_HR_SERVICE_SERVICEURL', false, false],
            ['ConsumerKey', 'CHOREO_HR_SERVICE_CONSUMERKEY', false, false],
            ['ConsumerSecret', 'CHOREO_HR_SERVICE_CONSUMERSECRET', true, true],
            ['TokenURL', 'CHOREO_HR_SERVICE_TOKENURL', false, false],
            // An external provider's app decides its own grants: its issuer is given for apps that sign people in.
            // The built-in keys here allow Client Credentials only.
            ...(b === backends.external ? [['IssuerURL', 'CHOREO_HR_SERVICE_ISSUERURL', false, false]] : []),
          ],
        );
        assert.ok(!JSON.stringify(b.config).includes(b.consumerSecret));
      }
      assert.equal(value(backends.builtIn.config, 'TokenURL'), `${backends.edge.url}/oauth2/${backends.org}/token`);
      assert.notEqual(value(backends.external.config, 'TokenURL'), value(backends.builtIn.config, 'TokenURL'), "the external provider's own token endpoint");
    });
  });

  describe('variables renamed in the connection config', () => {
    it('the snippet reads the renamed variables (javascript)', async () => {
      const b = backends.builtIn;
      const config = renamed(b.config, { ServiceURL: 'HR_URL', ConsumerSecret: 'HR_CLIENT_SECRET' });
      const runner = RUNNERS.find((r) => r.language === 'javascript')!;
      const { dir, file } = await write(runner, config, 'renamed');
      const env = environmentFor(config, b.consumerSecret);
      assert.equal(env.HR_URL, value(b.config, 'ServiceURL'));
      assert.equal(env[variableName(b.config, 'ServiceURL')], undefined, 'the default name is not set, so only the renamed one can have worked');
      const result = await runner.run(dir, file, env);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { nonce: string }).nonce, b.upstreamNonce);
    });
  });

  describe('the token is cached until shortly before it expires', () => {
    it('javascript: a second call reuses the token; once expired, a new one is fetched', async () => {
      const b = backends.builtIn;
      const out: string[] = [];
      const context = createContext({
        fetch,
        URLSearchParams,
        Buffer,
        console: { log: (s: string) => out.push(s), error: (s: string) => out.push(`error: ${s}`) },
        process: { env: environmentFor(b.config, b.consumerSecret) },
      });
      const tokensBefore = b.tokenRequests();
      runInContext(renderConnectionFile('javascript', b.config, SERVICE_PATH), context);
      for (let i = 0; i < 200 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(out.length, 1, 'the file itself made one call');
      assert.equal((JSON.parse(out[0]!) as { nonce: string }).nonce, b.upstreamNonce, out[0]);
      const again = (await runInContext(`callService('${SERVICE_PATH}')`, context)) as string;
      assert.equal((JSON.parse(again) as { nonce: string }).nonce, b.upstreamNonce);
      assert.equal(b.tokenRequests() - tokensBefore, 1, 'the second call reused the cached token');
      // The built-in provider's tokens live an hour; the snippet keeps them 30 s less. Move the clock past that by
      // editing the cache.
      runInContext('cachedToken.expiresAt = Date.now() - 1', context);
      await runInContext(`callService('${SERVICE_PATH}')`, context);
      assert.equal(b.tokenRequests() - tokensBefore, 2, 'an expired token is replaced');
    });

    it('python: two calls in one process, one token request', async function () {
      const runner = RUNNERS.find((r) => r.language === 'python')!;
      if (await missing(runner)) this.skip();
      const b = backends.builtIn;
      const { dir, file } = await write(runner, b.config, 'cache');
      const script = [
        'import importlib.util, sys',
        'spec = importlib.util.spec_from_file_location("snippet", sys.argv[1])',
        'module = importlib.util.module_from_spec(spec)',
        'spec.loader.exec_module(module)',
        'print(module.call_service(sys.argv[2]))',
        'print(module.call_service(sys.argv[2]))',
      ].join('\n');
      const seen = await observe(b, () =>
        runProgram('python3', ['-c', script, file, SERVICE_PATH], { cwd: dir, env: environmentFor(b.config, b.consumerSecret) }),
      );
      assert.equal(seen.result.code, 0, seen.result.stderr);
      assert.equal(
        seen.result.stdout
          .trim()
          .split('\n')
          .filter((l) => l.includes(b.upstreamNonce)).length,
        2,
      );
      assert.equal(seen.tokenRequests, 1);
      assert.equal(seen.gatewayCalls.length, 2);
    });

    it('shell: sourced, a later choreo_call in the same shell reuses the token', async function () {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      if (await missing(runner)) this.skip();
      const b = backends.builtIn;
      const { dir, file } = await write(runner, b.config, 'cache');
      const seen = await observe(b, () =>
        runProgram('sh', ['-c', `. "$1"; choreo_call '${SERVICE_PATH}'`, 'sh', file], { cwd: dir, env: environmentFor(b.config, b.consumerSecret) }),
      );
      assert.equal(seen.result.code, 0, seen.result.stderr);
      assert.equal(
        seen.result.stdout
          .trim()
          .split('\n')
          .filter((l) => l.includes(b.upstreamNonce)).length,
        2,
      );
      assert.equal(seen.tokenRequests, 1);
      assert.equal(seen.gatewayCalls.length, 2);
    });
  });

  describe('shell without jq', () => {
    before(async function () {
      if (await missing(RUNNERS.find((r) => r.language === 'shell')!)) this.skip();
    });
    it('parses the token response with sed and still reaches the upstream; a wrong secret still reads well', async () => {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      const b = backends.builtIn;
      const { dir, file } = await write(runner, b.config, 'no-jq');
      const bin = await binWithoutJq(dir);
      const ok = await runner.run(dir, file, { ...environmentFor(b.config, b.consumerSecret), PATH: bin });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as { nonce: string }).nonce, b.upstreamNonce);
      const refused = await runner.run(dir, file, { ...environmentFor(b.config, 'nope'), PATH: bin });
      assert.notEqual(refused.code, 0);
      assert.ok(refused.stderr.includes(`Token request to ${value(b.config, 'TokenURL')} was refused: HTTP 401 invalid_client`), refused.stderr);
    });
    it("prints the whole message of the gateway's 403, unescaped, with sed", async () => {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      const b = backends.builtIn;
      const { dir, file } = await write(runner, b.config, 'no-jq-403');
      const bin = await binWithoutJq(dir);
      await b.deleteConnection();
      let refused;
      try {
        refused = await runner.run(dir, file, { ...environmentFor(b.config, b.consumerSecret), PATH: bin });
      } finally {
        await b.restoreConnection();
      }
      assert.notEqual(refused.code, 0);
      assert.ok(
        refused.stderr.includes(`has no connection to the endpoint "api" of default/hr-service. Create a connection from ${b.consumerName} to hr-service/api.`),
        refused.stderr,
      );
    });
  });

  describe('the sample service', () => {
    it('a connection to the Greeting Service: the javascript snippet gets its greeting through the gateway', async () => {
      const { org, project, api, edge } = backends;
      const b = backends.builtIn;
      // The organization came with it (--sample-service): asking for it answers the one it has.
      const service = await api('POST', `${paths.project(org, project)}/sample-service`, Component, undefined, 200);
      const endpoint = service.endpoints?.[0];
      assert.ok(endpoint, 'the Greeting Service has an endpoint');
      await api('POST', paths.connections(org, project, b.consumerName), Connection, {
        name: 'Greeting',
        serviceComponentName: service.name,
        endpointName: endpoint.name,
      });
      const config = await api('GET', paths.connectionConfig(org, project, b.consumerName, 'Greeting', ENVIRONMENT), ConnectionConfig);
      assert.equal(value(config, 'ServiceURL'), endpoint.gatewayUrls[ENVIRONMENT]);
      assert.equal(variableName(config, 'ServiceURL'), 'CHOREO_GREETING_SERVICEURL');

      const runner = RUNNERS.find((r) => r.language === 'javascript')!;
      const { dir, file } = await write(runner, config, 'sample-service');
      const seen = await observe(b, () => runner.run(dir, file, environmentFor(config, b.consumerSecret)));
      assert.equal(seen.result.code, 0, seen.result.stderr);
      const answer = JSON.parse(seen.result.stdout) as { message: string; forwardedHost: string };
      assert.equal(answer.message, 'Hello, external-consumer!');
      assert.equal(answer.forwardedHost, new URL(edge.url).host, 'forwarded by the gateway at the public URL');
      assert.deepEqual(
        seen.gatewayCalls.map((c) => [c.status, c.clientId]),
        [[200, value(config, 'ConsumerKey')]],
      );
    });
  });
});
