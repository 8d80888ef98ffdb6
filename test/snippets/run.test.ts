// RUN tests: each language's connection snippet, written to a file and run with its own toolchain, gets a real
// token from a real OAuth 2.0 token endpoint and reaches an upstream that verifies the Bearer JWT.
import './tmplLoader';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { envVariableName, type ConnectionConfig } from '../../src/api/connections';
import { renderConnectionFile, snippetLanguage } from '../../src/snippets';
import { startOidcProviderBackend, type ConnectionBackend } from './fixtures/connectionBackend';
import { binWithoutJq, runProgram, RUNNERS, type LanguageRunner } from './runners';

const CONNECTION = 'HR Service';
const SERVICE_PATH = '/greeting?name=external-consumer';

function configFor(backend: ConnectionBackend, rename: (key: string) => string | undefined = () => undefined): ConnectionConfig {
  const entry = (key: 'ServiceURL' | 'ConsumerKey' | 'ConsumerSecret' | 'TokenURL', value: string | undefined, isSensitive = false) => ({
    key,
    value: isSensitive ? undefined : value,
    isSensitive,
    envVariableName: rename(key) ?? envVariableName(CONNECTION, key),
  });
  return {
    connectionName: CONNECTION,
    environment: 'development',
    configured: true,
    entries: [
      entry('ServiceURL', backend.serviceUrl),
      entry('ConsumerKey', backend.consumerKey),
      entry('ConsumerSecret', undefined, true),
      entry('TokenURL', backend.tokenUrl),
    ],
  };
}

/** The process environment a user's program would see: PATH and HOME, plus the connection's variables. */
function environmentFor(config: ConnectionConfig, values: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8' };
  for (const entry of config.entries) {
    const value = values[entry.key];
    if (value !== undefined) env[entry.envVariableName] = value;
  }
  return env;
}

describe('connection snippets run as inserted', function () {
  this.timeout(180_000);
  let backend: ConnectionBackend;
  let workDir: string;

  before(async () => {
    backend = await startOidcProviderBackend();
    workDir = await mkdtemp(path.join(tmpdir(), 'choreo-snippets-run-'));
  });
  after(async () => {
    await backend?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const values = () => ({
    ServiceURL: backend.serviceUrl,
    TokenURL: backend.tokenUrl,
    ConsumerKey: backend.consumerKey,
    ConsumerSecret: backend.consumerSecret,
  });

  async function write(runner: LanguageRunner, config: ConnectionConfig, tag: string): Promise<{ dir: string; file: string }> {
    const dir = await mkdtemp(path.join(workDir, `${runner.language}-${tag}-`));
    const file = path.join(dir, snippetLanguage(runner.language)!.fileName);
    await writeFile(file, renderConnectionFile(runner.language, config, SERVICE_PATH));
    return { dir, file };
  }

  for (const runner of RUNNERS) {
    describe(`${runner.language} (${runner.toolchain})`, () => {
      before(async function () {
        const missing = await runner.missing();
        if (missing) {
          console.log(`      skipped ${runner.language}: ${missing}`);
          this.skip();
        }
      });

      it('gets a token at TokenURL and the upstream answers the Bearer call', async () => {
        const config = configFor(backend);
        const { dir, file } = await write(runner, config, 'ok');
        const tokensBefore = backend.tokenRequests();
        const callsBefore = backend.upstreamCalls.length;
        const result = await runner.run(dir, file, environmentFor(config, values()));
        assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
        const answer = JSON.parse(result.stdout.trim()) as { nonce: string; path: string; clientId: string };
        assert.equal(answer.nonce, backend.upstreamNonce, 'the answer came from the upstream');
        assert.equal(answer.path, `/api/v1${SERVICE_PATH}`, 'ServiceURL (with its trailing slash) + the service path');
        assert.equal(answer.clientId, backend.consumerKey);
        assert.equal(backend.tokenRequests() - tokensBefore, 1, 'one token request');
        assert.equal(backend.upstreamCalls.length - callsBefore, 1, 'one verified call upstream');
      });

      it('with a wrong secret, fails with the token endpoint status and OAuth error', async () => {
        const config = configFor(backend);
        const { dir, file } = await write(runner, config, 'wrong-secret');
        const callsBefore = backend.upstreamCalls.length;
        const wrongSecret = `wrong-${backend.consumerSecret.slice(0, 8)}`;
        const result = await runner.run(dir, file, environmentFor(config, { ...values(), ConsumerSecret: wrongSecret }));
        assert.notEqual(result.code, 0, `should fail; stdout: ${result.stdout}`);
        assert.match(result.stderr, /Token request to http:\/\/127\.0\.0\.1:\d+\/token was refused: HTTP 401 invalid_client/, result.stderr);
        assert.ok(!result.stderr.includes(wrongSecret) && !result.stdout.includes(wrongSecret), 'the secret is never printed');
        assert.equal(backend.upstreamCalls.length, callsBefore, 'no call reached the upstream');
      });

      it('names a missing variable', async () => {
        const config = configFor(backend);
        const { dir, file } = await write(runner, config, 'missing');
        const tokensBefore = backend.tokenRequests();
        const result = await runner.run(dir, file, environmentFor(config, { ...values(), ConsumerSecret: undefined }));
        assert.notEqual(result.code, 0);
        assert.ok(
          result.stderr.includes(`Missing environment variable ${envVariableName(CONNECTION, 'ConsumerSecret')}`),
          result.stderr,
        );
        assert.equal(backend.tokenRequests(), tokensBefore, 'no token request without all variables');
      });
    });
  }

  describe('variables renamed in the connection config', () => {
    it('the snippet reads the renamed variables (javascript)', async () => {
      const renamed: Record<string, string> = { ServiceURL: 'HR_URL', ConsumerSecret: 'HR_CLIENT_SECRET' };
      const config = configFor(backend, (key) => renamed[key]);
      const runner = RUNNERS.find((r) => r.language === 'javascript')!;
      const { dir, file } = await write(runner, config, 'renamed');
      const result = await runner.run(dir, file, environmentFor(config, values()));
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { nonce: string }).nonce, backend.upstreamNonce);
      const env = environmentFor(config, values());
      assert.equal(env.HR_URL, backend.serviceUrl);
      assert.equal(env[envVariableName(CONNECTION, 'ServiceURL')], undefined, 'the default name is not set, so only the renamed one can have worked');
    });
  });

  describe('the token is cached until shortly before it expires', () => {
    it('javascript: a second call reuses the token; once expired, a new one is fetched', async () => {
      const config = configFor(backend);
      const out: string[] = [];
      const context = createContext({
        fetch,
        URLSearchParams,
        Buffer,
        console: { log: (s: string) => out.push(s), error: (s: string) => out.push(`error: ${s}`) },
        process: { env: environmentFor(config, values()) },
      });
      const tokensBefore = backend.tokenRequests();
      runInContext(renderConnectionFile('javascript', config, SERVICE_PATH), context);
      for (let i = 0; i < 200 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(out.length, 1, 'the file itself made one call');
      assert.equal((JSON.parse(out[0]!) as { nonce: string }).nonce, backend.upstreamNonce);
      const again = (await runInContext(`callService('${SERVICE_PATH}')`, context)) as string;
      assert.equal((JSON.parse(again) as { nonce: string }).nonce, backend.upstreamNonce);
      assert.equal(backend.tokenRequests() - tokensBefore, 1, 'the second call reused the cached token');
      // The fixture's tokens live 300 s; the snippet keeps them 270 s. Move the clock past that by editing the cache.
      runInContext('cachedToken.expiresAt = Date.now() - 1', context);
      await runInContext(`callService('${SERVICE_PATH}')`, context);
      assert.equal(backend.tokenRequests() - tokensBefore, 2, 'an expired token is replaced');
    });

    it('python: two calls in one process, one token request', async function () {
      const runner = RUNNERS.find((r) => r.language === 'python')!;
      if (await runner.missing()) this.skip();
      const config = configFor(backend);
      const { dir, file } = await write(runner, config, 'cache');
      const tokensBefore = backend.tokenRequests();
      const script = [
        'import importlib.util, sys',
        'spec = importlib.util.spec_from_file_location("snippet", sys.argv[1])',
        'module = importlib.util.module_from_spec(spec)',
        'spec.loader.exec_module(module)',
        'print(module.call_service(sys.argv[2]))',
        'print(module.call_service(sys.argv[2]))',
      ].join('\n');
      const result = await runProgram('python3', ['-c', script, file, SERVICE_PATH], { cwd: dir, env: environmentFor(config, values()) });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim().split('\n').filter((l) => l.includes(backend.upstreamNonce)).length, 2);
      assert.equal(backend.tokenRequests() - tokensBefore, 1);
    });

    it('shell: sourced, a later choreo_call in the same shell reuses the token', async function () {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      if (await runner.missing()) this.skip();
      const config = configFor(backend);
      const { dir, file } = await write(runner, config, 'cache');
      const tokensBefore = backend.tokenRequests();
      const result = await runProgram('sh', ['-c', `. "$1"; choreo_call '${SERVICE_PATH}'`, 'sh', file], { cwd: dir, env: environmentFor(config, values()) });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim().split('\n').filter((l) => l.includes(backend.upstreamNonce)).length, 2);
      assert.equal(backend.tokenRequests() - tokensBefore, 1);
    });
  });

  describe('shell without jq', () => {
    before(async function () {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      if (await runner.missing()) this.skip();
    });
    it('parses the token response with sed and still reaches the upstream; a wrong secret still reads well', async () => {
      const runner = RUNNERS.find((r) => r.language === 'shell')!;
      const config = configFor(backend);
      const { dir, file } = await write(runner, config, 'no-jq');
      const bin = await binWithoutJq(dir);
      const ok = await runner.run(dir, file, { ...environmentFor(config, values()), PATH: bin });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as { nonce: string }).nonce, backend.upstreamNonce);
      const refused = await runner.run(dir, file, { ...environmentFor(config, { ...values(), ConsumerSecret: 'nope' }), PATH: bin });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /was refused: HTTP 401 invalid_client/);
    });
  });
});
