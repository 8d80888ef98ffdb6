// RUN tests of the snippets for apps that sign people in: each rendered from a real connection config (its keys
// able to sign people in, so the config carries IssuerURL), run as the user runs it, and driven through a real
// sign-in in headless Chromium against a real identity provider, to the service's answer through the gateway:
//   native app: the loopback snippet as a child process; its "system browser" is a stand-in xdg-open that hands the
//               URL to the test, which signs in in Chromium; the program prints the service's answer;
//   web app (server): the snippet serving on localhost; Chromium signs in, calls, signs out;
//   browser app: the snippet and config.js served by the test on localhost (the provider and the gateway on
//               127.0.0.1: other sites), oidc-client-ts resolved by an import map as a bundler would.
// Parametrised by provider: `oidc-provider` registered as an external provider (Add Keys) today; the built-in
// provider once its authorization endpoint is there (its discovery names one), else skipped saying so.
import './tmplLoader';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { z } from 'zod';
import {
  AuthConfiguration,
  Component,
  Connection,
  ConnectionConfig,
  DEFAULT_KEY_SETTINGS,
  IdentityProvider,
  IssuedKeys,
  Organization,
  TestUser,
  issuerUrl,
  paths,
} from '../../src/api';
import {
  BROWSER_APP_PAGE,
  BROWSER_APP_PAGE_FILE_NAME,
  browserConfigValues,
  connectionVariables,
  renderBrowserConfig,
  renderConnectionFile,
  snippetById,
  type SignInSnippetId,
} from '../../src/snippets';
import { launchBrowser } from '../harness/browser';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { startEdgeProxy, type EdgeProxy } from './fixtures/edgeProxy';
import { closeServer, folderSite, listen } from './fixtures/servers';
import { SIGN_IN_AUDIENCE, startSignInProvider, type AppKind, type SignInProvider } from './fixtures/signInProvider';
import { startUpstream, UPSTREAM_BASE_PATH, type Upstream } from './fixtures/upstream';

const REPO = path.resolve(__dirname, '..', '..');
const ENVIRONMENT = 'development';
const PROJECT = 'default';
const CONNECTION_NAME = 'Greeting';
const SERVICE_PATH = '/greeting?name=signed-in';
interface App {
  config: ConnectionConfig;
  clientId: string;
  consumerSecret?: string;
}

/** One identity provider, set up in the organization, as the tests use it. */
interface ProviderUnderTest {
  title: string;
  /** Why this provider cannot be tested here, if it cannot. */
  missing(): Promise<string | undefined>;
  issuer: string;
  /** Makes an external consumer whose keys sign people in for this kind of app, and its connection. */
  app(kind: AppKind, name: string, o?: { redirectUri?: string; postLogoutRedirectUri?: string }): Promise<App>;
  /** The person who signs in, and the `sub` their tokens carry. */
  user: { username: string; password: string; subject: string };
  /** Signs the person in on the provider's own pages, shown in `page`. */
  signIn(page: Page): Promise<void>;
  /** Confirms sign-out on the provider's page, where it asks. */
  confirmSignOut(page: Page): Promise<void>;
}

/** A free loopback port. */
async function freePort(): Promise<number> {
  const probe = createServer();
  const url = await listen(probe);
  await closeServer(probe);
  return Number(new URL(url).port);
}

function environmentFor(config: ConnectionConfig, consumerSecret: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8', ...extra };
  for (const { name, value } of connectionVariables(config, consumerSecret === undefined ? {} : { ConsumerSecret: consumerSecret }).variables)
    env[name] = value;
  return env;
}

/** A process whose output the test reads while it runs. */
function start(command: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child: ChildProcess = spawn(command, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = pattern.exec(stdout + stderr);
        if (found) return found;
        if (child.exitCode !== null || Date.now() > until)
          throw new Error(`no ${pattern} in the output (exit ${child.exitCode})\nstdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The oidc-provider development pages: a login form (any login and password) and a consent page. */
const oidcProviderPages = {
  async signIn(page: Page, username: string, password: string) {
    const login = page.locator('input[name="login"]');
    await login.waitFor({ timeout: 15_000 }).catch(async () => {
      throw new Error(`no sign-in form at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 500)}`);
    });
    await login.fill(username);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
  },
  async confirmSignOut(page: Page) {
    await page.getByRole('button', { name: /sign me out/i }).click();
  },
};

describe('snippets of apps that sign people in, run against a real identity provider, through the gateway', function () {
  this.timeout(240_000);
  let workDir: string;
  let edge: EdgeProxy;
  let upstream: Upstream;
  let idp: SignInProvider;
  let cp: ControlPlane;
  let browser: Browser;
  let org: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  const api = async <S extends z.ZodType>(method: string, apiPath: string, schema: S, body?: unknown, status?: number): Promise<z.infer<S>> => {
    const res = await cp.call(method, apiPath, body);
    const expected = status ?? (method === 'POST' ? 201 : 200);
    if (res.status !== expected) throw new Error(`${method} ${apiPath} answered ${res.status} (expected ${expected}): ${res.text}`);
    return schema.parse(res.body);
  };
  const connect = async (consumer: string): Promise<ConnectionConfig> => {
    await api('POST', paths.connections(org, PROJECT, consumer), Connection, { name: CONNECTION_NAME, serviceComponentName: 'greeting', endpointName: 'api' });
    return api('GET', paths.connectionConfig(org, PROJECT, consumer, CONNECTION_NAME, ENVIRONMENT), ConnectionConfig);
  };
  const consumer = (name: string) => api('POST', paths.components(org, PROJECT), Component, { displayName: name, name, type: 'external-consumer' });

  before(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'choreo-sign-in-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    edge = await startEdgeProxy();
    cleanups.push(() => edge.close());
    upstream = await startUpstream((requestId) => edge.gatewayCalls.find((c) => c.id === requestId)?.clientId);
    cleanups.push(() => upstream.close());
    idp = await startSignInProvider();
    cleanups.push(() => idp.close());
    const dataDir = tempDir('sign-in-cp-');
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    cp = await ControlPlane.start(dataDir, ['--port', String(port), '--public-url', edge.url, '--allow-private-addresses']);
    cleanups.push(() => cp.stop());
    edge.forwardTo(`http://127.0.0.1:${port}`);
    org = (await api('POST', paths.orgs(), Organization, { name: 'Sign In Runs' })).handle;
    await api('POST', paths.components(org, PROJECT), Component, {
      displayName: 'Greeting',
      name: 'greeting',
      type: 'service',
      endpoints: [{ name: 'api', visibility: 'Project', upstreamUrls: { [ENVIRONMENT]: upstream.url } }],
    });
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  const external: ProviderUnderTest = {
    title: 'external identity provider (oidc-provider, Add Keys)',
    missing: async () => undefined,
    get issuer() {
      return idp.issuer;
    },
    async app(kind, name, o) {
      const registered = await ensureRegistered();
      await consumer(name);
      const app = await idp.addApp(kind, `${name}-app`, o);
      await api('PUT', `${paths.authFor(org, PROJECT, name, ENVIRONMENT)}/external`, AuthConfiguration, {
        identityProviderId: registered,
        clientId: app.clientId,
      });
      return { config: await connect(name), clientId: app.clientId, ...(app.clientSecret ? { consumerSecret: app.clientSecret } : {}) };
    },
    user: { username: 'ann', password: 'any-password', subject: 'ann' },
    signIn: (page) => oidcProviderPages.signIn(page, 'ann', 'any-password'),
    confirmSignOut: (page) => oidcProviderPages.confirmSignOut(page),
  };
  let registration: Promise<string> | undefined;
  const ensureRegistered = () =>
    (registration ??= api('POST', paths.identityProviders(org), IdentityProvider, {
      name: 'Partner IdP',
      wellKnownUrl: idp.wellKnownUrl,
      audiences: [SIGN_IN_AUDIENCE],
    }).then((r) => r.id));

  // The built-in provider: Generate Keys, key settings with Authorization Code and the app's callback URL, a test
  // user; its own sign-in page. Runs once its authorization endpoint exists (issue 24 item 3).
  const builtInUser = { username: 'demouser', password: 'correct horse battery', subject: '' };
  const builtIn: ProviderUnderTest = {
    title: 'built-in identity provider (Generate Keys, key settings, a test user)',
    async missing() {
      const res = await fetch(`${issuerUrl(edge.url, org)}/.well-known/openid-configuration`);
      const discovery = res.ok ? ((await res.json()) as { authorization_endpoint?: string }) : {};
      return discovery.authorization_endpoint ? undefined : 'its discovery names no authorization_endpoint yet (issue 24 item 3, branch idp-server)';
    },
    get issuer() {
      return issuerUrl(edge.url, org);
    },
    async app(kind, name, o) {
      await consumer(name);
      const issued = await api('POST', `${paths.authFor(org, PROJECT, name, ENVIRONMENT)}/generate-keys`, IssuedKeys);
      const publicClient = kind !== 'web-server';
      await api('PUT', paths.keySettings(org, PROJECT, name, ENVIRONMENT), AuthConfiguration, {
        ...DEFAULT_KEY_SETTINGS,
        grantTypes: ['authorization_code', 'refresh_token'],
        callbackUrls: [kind === 'native' ? 'http://127.0.0.1/callback' : o!.redirectUri!],
        postLogoutRedirectUrls: o?.postLogoutRedirectUri ? [o.postLogoutRedirectUri] : [],
        publicClient,
      });
      const users = await api('GET', paths.testUsers(org, ENVIRONMENT), (await import('zod')).z.object({ items: TestUser.array() }));
      if (!users.items.some((u) => u.username === builtInUser.username)) {
        await api('POST', paths.testUsers(org, ENVIRONMENT), TestUser, {
          username: builtInUser.username,
          password: builtInUser.password,
          email: 'demo@example.com',
        });
      }
      return { config: await connect(name), clientId: issued.authConfiguration.clientId, ...(publicClient ? {} : { consumerSecret: issued.clientSecret }) };
    },
    user: builtInUser,
    // The sign-in page is the authorization server's (branch idp-server): found by the fields' standard autocomplete
    // names or names, whatever their labels say.
    async signIn(page) {
      await page.locator('input[autocomplete="username"], input[name="username"]').first().fill(builtInUser.username);
      await page.locator('input[type="password"]').first().fill(builtInUser.password);
      await page.locator('button[type="submit"], input[type="submit"]').first().click();
    },
    async confirmSignOut(page) {
      const confirm = page.getByRole('button', { name: /sign (me )?out|log ?out|yes/i });
      if (await confirm.count()) await confirm.first().click();
    },
  };

  /** The snippet as a file beside a node_modules that holds its library, as in a user's project. */
  async function write(id: SignInSnippetId, config: ConnectionConfig, tag: string): Promise<{ dir: string; file: string }> {
    const dir = await mkdtemp(path.join(workDir, `${tag}-`));
    const file = path.join(dir, snippetById(id)!.fileName);
    await writeFile(file, renderConnectionFile(id, config, SERVICE_PATH));
    await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return { dir, file };
  }

  /** The gateway calls made during `action`. */
  async function gatewayCallsDuring<T>(action: () => Promise<T>) {
    const before = edge.gatewayCalls.length;
    const result = await action();
    return { result, calls: edge.gatewayCalls.slice(before) };
  }

  for (const provider of [external, builtIn]) {
    describe(provider.title, () => {
      before(async function () {
        const why = await provider.missing();
        if (why) {
          console.log(`      skipped: ${why}`);
          this.skip();
        }
      });

      it('the connection config of keys that sign people in carries IssuerURL, the issuer apps discover the provider at', async () => {
        const { config } = await provider.app('native', `config-${provider === external ? 'x' : 'b'}`);
        const entry = config.entries.find((e) => e.key === 'IssuerURL');
        assert.deepEqual(entry, { key: 'IssuerURL', isSensitive: false, envVariableName: 'CHOREO_GREETING_ISSUERURL', value: provider.issuer });
        const discovery = (await (await fetch(`${entry.value}/.well-known/openid-configuration`)).json()) as { issuer: string };
        assert.equal(discovery.issuer, provider.issuer, "the issuer's discovery document names it");
      });

      it('native app: listens on 127.0.0.1, opens the system browser, the person signs in, and it prints the service answer', async () => {
        const name = `native-${provider === external ? 'x' : 'b'}`;
        const app = await provider.app('native', name);
        const { dir, file } = await write('native-app-openid-client', app.config, name);
        // The "system browser": an xdg-open that hands the URL to the test, which opens it in Chromium.
        const bin = path.join(dir, 'bin');
        const opened = path.join(dir, 'opened.txt');
        await mkdir(bin);
        await writeFile(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
        await chmod(path.join(bin, 'xdg-open'), 0o755);
        const env = environmentFor(app.config, undefined, { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` });
        const run = start(process.execPath, [file], { cwd: dir, env });
        const page = await browser.newPage();
        try {
          let url: URL | undefined;
          for (const until = Date.now() + 30_000; !url && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
            const text = await readFile(opened, 'utf8').catch(() => '');
            if (text.trim()) url = new URL(text.trim().split('\n')[0]!);
          }
          assert.ok(url, `the app opened no browser\n${JSON.stringify(run.output())}`);
          assert.ok(url.href.startsWith(provider.issuer), `at the provider: ${url.href}`);
          const redirect = new URL(url.searchParams.get('redirect_uri')!);
          assert.equal(redirect.hostname, '127.0.0.1', 'a loopback redirect (RFC 8252 §7.3)');
          assert.notEqual(redirect.port, '', 'on the port the system picked');
          assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
          assert.ok(url.searchParams.get('state'), 'with state');
          assert.equal(url.searchParams.get('client_id'), app.clientId);

          // Another program on this machine answers first, with a code and state of its own: refused, and the app
          // keeps waiting for its own sign-in.
          const forged = await fetch(`${redirect.origin}/callback?code=forged&state=forged`);
          assert.equal(forged.status, 400);
          assert.equal(await forged.text(), 'This sign-in was not started by this app.');
          assert.equal(run.child.exitCode, null, 'still waiting');

          const { calls } = await gatewayCallsDuring(async () => {
            await page.goto(url.href);
            await provider.signIn(page);
            await page.getByText('Signed in. You can close this tab').waitFor({ timeout: 30_000 });
            assert.equal(new URL(page.url()).origin, redirect.origin, 'the browser came back to the app');
            assert.equal(await run.exited, 0, JSON.stringify(run.output()));
          });
          const answer = JSON.parse(run.output().stdout.trim()) as { nonce: string; path: string; clientId: string };
          assert.equal(answer.nonce, upstream.nonce, 'the answer came from the upstream');
          assert.equal(answer.path, `${UPSTREAM_BASE_PATH}${SERVICE_PATH}`);
          assert.equal(answer.clientId, app.clientId);
          assert.deepEqual(
            calls.map((c) => [c.status, c.clientId, c.subject]),
            [[200, app.clientId, provider.user.subject || calls[0]?.subject]],
            "one gateway call, with the person's token",
          );
          if (provider.user.subject) assert.equal(calls[0]!.subject, provider.user.subject);
        } finally {
          run.stop();
          await page.close();
        }
      });

      it('web app (server): Sign In, the service answer, Sign Out, with an HttpOnly SameSite session cookie and no token in the browser', async () => {
        const name = `web-${provider === external ? 'x' : 'b'}`;
        const port = await freePort();
        const appUrl = `http://localhost:${port}`;
        const app = await provider.app('web-server', name, { redirectUri: `${appUrl}/callback`, postLogoutRedirectUri: `${appUrl}/` });
        assert.ok(app.consumerSecret, 'a confidential client');
        const { dir, file } = await write('web-app-openid-client', app.config, name);
        const run = start(process.execPath, [file], {
          cwd: dir,
          env: environmentFor(app.config, app.consumerSecret, { PORT: String(port), HOST: '127.0.0.1', APP_URL: appUrl }),
        });
        const context = await browser.newContext();
        const page = await context.newPage();
        try {
          await run.waitFor(/Listening on/);
          // A callback the app did not start (login CSRF: an attacker's code pushed into the victim's browser) is refused.
          const forged = await fetch(`${appUrl}/callback?code=forged&state=forged`);
          assert.equal(forged.status, 400);
          assert.match(await forged.text(), /This sign-in was not started here/);
          await page.goto(`${appUrl}/`);
          await page.locator('#user').getByText('Not signed in').waitFor();
          await page.locator('#sign-in').click();
          await page.waitForURL((u) => u.href.startsWith(provider.issuer));
          await provider.signIn(page);
          await page.waitForURL(`${appUrl}/`);
          assert.match(await page.locator('#user').innerText(), /^Signed in as /);
          const cookies = await context.cookies(appUrl);
          assert.deepEqual(
            cookies.map((c) => [c.name, c.httpOnly, c.sameSite]),
            [['session', true, 'Lax']],
            'one session cookie, HttpOnly, SameSite=Lax',
          );
          const html = await page.content();
          assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(html), 'no token in the page');

          const { calls } = await gatewayCallsDuring(async () => {
            await page.locator('#call').click();
            await page.locator('#answer').waitFor();
          });
          const answer = JSON.parse(await page.locator('#answer').innerText()) as { nonce: string; clientId: string };
          assert.equal(answer.nonce, upstream.nonce, "the service's answer through the gateway");
          assert.equal(answer.clientId, app.clientId);
          assert.equal(calls.length, 1);
          if (provider.user.subject) assert.equal(calls[0]!.subject, provider.user.subject, "the person's token");

          await page.goto(`${appUrl}/`);
          await page.locator('#sign-out').click();
          await provider.confirmSignOut(page);
          await page.waitForURL(`${appUrl}/`);
          await page.locator('#user').getByText('Not signed in').waitFor();
          // The old session is gone on the server too: its cookie, replayed, is not signed in.
          const replay = await fetch(`${appUrl}/`, { headers: { cookie: `session=${cookies[0]!.value}` } });
          assert.match(await replay.text(), /Not signed in/);
        } finally {
          run.stop();
          await context.close();
        }
      });

      it('browser app: served on localhost, Sign In at the provider on 127.0.0.1, the call with the person token, Sign Out', async () => {
        const name = `spa-${provider === external ? 'x' : 'b'}`;
        const site = createServer();
        const origin = `http://localhost:${new URL(await listen(site)).port}`;
        cleanups.push(() => closeServer(site));
        const app = await provider.app('browser', name, { redirectUri: `${origin}/`, postLogoutRedirectUri: `${origin}/` });
        const { values } = browserConfigValues(app.config, [`${origin}/`]);
        assert.ok(values, 'config.js can be written');
        assert.equal(values.issuerUrl, provider.issuer);
        assert.equal(values.redirectUrl, `${origin}/`);
        // The folder as the user has it: the page and config.js Write config.js writes, the snippet saved as app.js,
        // oidc-client-ts installed; served as a static site.
        const dir = await mkdtemp(path.join(workDir, `${name}-`));
        const configJs = renderBrowserConfig(values, CONNECTION_NAME, ENVIRONMENT);
        assert.ok(!/secret\s*:/i.test(configJs), 'config.js carries no secret');
        await writeFile(path.join(dir, BROWSER_APP_PAGE_FILE_NAME), BROWSER_APP_PAGE);
        await writeFile(path.join(dir, 'config.js'), configJs);
        await writeFile(path.join(dir, 'app.js'), renderConnectionFile('browser-app-oidc-client-ts', app.config, SERVICE_PATH));
        await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        site.on('request', folderSite(dir));

        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        try {
          await page.goto(`${origin}/`);
          await page.locator('#user').getByText('Not signed in').waitFor();
          await page.locator('#sign-in').click();
          await page.waitForURL((u) => u.href.startsWith(provider.issuer));
          await provider.signIn(page);
          await page.waitForURL(`${origin}/`);
          await page
            .locator('#user')
            .getByText(/^Signed in as /)
            .waitFor({ timeout: 30_000 });
          assert.deepEqual(errors, []);

          const { calls } = await gatewayCallsDuring(async () => {
            await page.locator('#call').click();
            await page.locator('#answer').getByText(/\S/).waitFor({ timeout: 30_000 });
          });
          const shown = await page.locator('#answer').innerText();
          // The gateway answers the app's CORS preflight (issue 24 item 4): the answer is on the page.
          const answer = JSON.parse(shown) as { nonce: string; clientId: string };
          assert.equal(answer.nonce, upstream.nonce, "the service's answer through the gateway, on the page");
          assert.equal(answer.clientId, app.clientId);
          if (provider.user.subject) assert.equal(calls.at(-1)!.subject, provider.user.subject);

          await page.locator('#sign-out').click();
          await provider.confirmSignOut(page);
          await page.waitForURL(`${origin}/`);
          await page.locator('#user').getByText('Not signed in').waitFor();
          const left = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user:')).length);
          assert.equal(left, 0, 'the tokens are gone from the page');
        } finally {
          await page.close();
        }
      });
    });
  }
});
