/**
 * The sign-in page in a real browser (Debian's Chromium through playwright-core): it signs a person in without
 * JavaScript and returns to the app's loopback callback, it refuses to load inside another site's frame, and it is
 * shown in light and dark (screenshots in test-results/, looked at by a person).
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../harness/browser';
import { ControlPlane } from '../helpers/controlPlane';
import { ANN, appWith, organizationWithUser, ORG, WEB_APP } from './fixture';

const SHOTS = path.resolve(__dirname, '../../../test-results');

describe('built-in identity provider: the sign-in page in Chromium', function () {
  this.timeout(90_000);
  let cp: ControlPlane;
  let browser: Browser;
  let app: http.Server;
  let appUrl: string;
  const received: string[] = [];
  let clientId: string;

  before(async () => {
    cp = await ControlPlane.start();
    await organizationWithUser(cp);
    clientId = (await appWith(cp, 'greeting-web', WEB_APP, ORG, 'Greeting Web')).authConfiguration.clientId;
    // The app: its callback records what came back; /frame tries to frame the sign-in page.
    app = http.createServer((req, res) => {
      if (req.url!.startsWith('/callback')) {
        received.push(req.url!);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('back in the app');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe id="f" src="${decodeURIComponent(req.url!.slice('/frame?'.length))}"></iframe>`);
      }
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    app?.close();
    await cp?.stop();
  });

  function authorizeUrl() {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${cp.url}/oauth2/${ORG}/authorize`);
    const q = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: `${appUrl}/callback`,
      scope: 'openid',
      state: 'st',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
    return url.href;
  }

  it('signs a person in with JavaScript off and returns to the app', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => violations.push(m.text()));
    await page.goto(authorizeUrl());
    assert.match((await page.textContent('main')) ?? '', /Greeting Web asks you to sign in with a test user of Stark Industries in Development/);
    await page.fill('#username', ANN.username);
    await page.fill('#password', ANN.password);
    await Promise.all([page.waitForURL(`${appUrl}/callback**`), page.click('button[type=submit]')]);
    assert.equal(await page.textContent('body'), 'back in the app');
    const back = new URL(received.at(-1)!, appUrl);
    assert.ok(back.searchParams.get('code'));
    assert.equal(back.searchParams.get('state'), 'st');
    assert.deepEqual(
      violations.filter((v) => /Content Security Policy/.test(v)),
      [],
      'the page keeps to its own policy',
    );
    await context.close();
  });

  it('shows the page in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 640, height: 560 } });
      const page = await context.newPage();
      await page.goto(authorizeUrl());
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, colorScheme === 'light' ? 'rgb(246, 247, 249)' : 'rgb(13, 17, 23)');
      await page.screenshot({ path: path.join(SHOTS, `sign-in-${colorScheme}.png`) });
      await context.close();
    }
  });

  it("refuses to load inside another site's frame", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl.replace('127.0.0.1', 'localhost')}/frame?${encodeURIComponent(authorizeUrl())}`);
    await page.waitForTimeout(0);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await frame?.waitForLoadState().catch(() => undefined);
    assert.equal((await frame?.$('#password').catch(() => null)) ?? null, null, 'the sign-in form rendered inside the frame');
    await context.close();
  });
});
