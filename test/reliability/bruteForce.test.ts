/**
 * Brute force at the token endpoint: repeated wrong secrets for one client ID are slowed down (429 with Retry-After
 * and an RFC 6749-shaped body), neither the client's owner nor other clients are locked out, and secrets are compared
 * in constant time.
 */
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { paths } from '../../src/api/routes';
import { AdminTokenAuthenticator } from '../../src/controlPlane/http/auth';
import { clientSecretMatches, newClientSecret } from '../../src/controlPlane/idp/clientSecret';
import { ClientThrottle } from '../../src/controlPlane/idp/clientThrottle';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { ORG, PROJECT, printFigures, rawRequest, seedWorld, type World } from './helpers/world';

// The module object itself (an `import * as` namespace is read-only), so a spy can stand in for one function.
const crypto = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('brute force at the token endpoint', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let world: World;
  let other: { clientId: string; clientSecret: string };
  const figures = { guesses: 0, evaluated: 0, slowed: 0, otherClientTokens: 0 };

  const ask = (clientId: string, secret: string) =>
    rawRequest(
      cp.url,
      'POST',
      `/oauth2/${ORG}/token`,
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      'grant_type=client_credentials',
    );

  before(async () => {
    cp = await ControlPlane.start(tempDir('rel-brute-'));
    world = await seedWorld(cp);
    const add = await cp.call('POST', paths.components(ORG, PROJECT), { displayName: 'Stark Bot', name: 'stark-bot', type: 'external-consumer' });
    assert.equal(add.status, 201, add.text);
    const keys = await cp.call('POST', `${paths.authFor(ORG, PROJECT, 'stark-bot', 'development')}/generate-keys`);
    other = { clientId: keys.body.authConfiguration.clientId, clientSecret: keys.body.clientSecret };
  });
  after(async () => {
    await cp?.stop();
    printFigures('brute force', {
      'wrong secrets sent for one client ID': figures.guesses,
      'of which checked against the secret': figures.evaluated,
      'of which answered 429': figures.slowed,
      'tokens issued to another client meanwhile': figures.otherClientTokens,
    });
  });

  it('slows a guesser down after 10 wrong secrets (429, Retry-After, slow_down) while the owner and another client keep getting tokens', async () => {
    for (let i = 1; i <= 11; i++) {
      const res = await ask(world.clientId, `guess-${i}`);
      figures.guesses++;
      figures.evaluated++;
      assert.equal(res.status, 401, `guess ${i}: ${res.text}`);
      assert.equal(res.json.error, 'invalid_client');
    }
    // Closed now to wrong secrets; the owner's right secret still gets its token (issue 14: no lockout by others).
    assert.equal((await ask(world.clientId, world.clientSecret)).status, 200, 'the right secret is never refused');
    const closed = await ask(world.clientId, 'guess-during-pause');
    figures.guesses++;
    assert.equal(closed.status, 429, closed.text);
    assert.equal(closed.headers['retry-after'], '1');
    assert.equal(closed.json.error, 'slow_down');
    assert.match(closed.json.error_description, /Too many failed client authentications for this client ID; try again in 1 s/);
    assert.equal(closed.headers['cache-control'], 'no-store');

    // A burst of guesses during the pause: all 429.
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => ask(world.clientId, `burst-${i}`)));
    figures.guesses += burst.length;
    for (const r of burst) assert.equal(r.status, 429);
    figures.slowed += burst.length + 1;

    // Another client of the same organization is not affected.
    for (let i = 0; i < 5; i++) {
      const res = await ask(other.clientId, other.clientSecret);
      assert.equal(res.status, 200, res.text);
      figures.otherClientTokens++;
    }
    // Unknown client IDs are refused as before, never counted (a flood of made-up IDs cannot fill memory).
    for (let i = 0; i < 20; i++) assert.equal((await ask(`made-up-${i}`, 'x')).status, 401);

    // After the pause the next wrong secret closes it again, for twice as long.
    await sleep(1100);
    const again = await ask(world.clientId, 'guess-12');
    figures.guesses++;
    figures.evaluated++;
    assert.equal(again.status, 401);
    const longer = await ask(world.clientId, 'guess-13');
    figures.guesses++;
    assert.equal(longer.status, 429);
    assert.equal(longer.headers['retry-after'], '2');
    figures.slowed++;
    // The owner's success does not forgive the guesser's failures.
    assert.equal((await ask(world.clientId, world.clientSecret)).status, 200, 'the right secret is never refused');
    assert.equal((await ask(world.clientId, 'guess-14')).status, 429, 'a success does not clear the count');
    figures.guesses++;
    figures.slowed++;
  });

  describe('the throttle itself (fake clock)', () => {
    it('doubles the pause per failure up to a ceiling, forgets old failures, and stays bounded in size', () => {
      const t = new ClientThrottle({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000, maxTracked: 3 });
      let now = 0;
      t.failed('a', now);
      t.failed('a', now);
      assert.equal(t.retryAfterMs('a', now), 0);
      const pauses = [];
      for (let i = 0; i < 6; i++) {
        t.failed('a', now);
        pauses.push(t.retryAfterMs('a', now));
      }
      assert.deepEqual(pauses, [1000, 2000, 4000, 8000, 8000, 8000]);
      assert.equal(t.retryAfterMs('b', now), 0, 'another client is never paused');
      now += 61_000;
      t.failed('a', now);
      assert.equal(t.retryAfterMs('a', now), 0, 'failures older than forgetAfterMs are forgotten');
      for (const id of ['b', 'c', 'd', 'e']) t.failed(id, now);
      assert.equal(t.tracked, 3);
    });
  });

  describe('constant-time comparisons', () => {
    // Replaced for the duration of a call: the modules read crypto.timingSafeEqual when they compare.
    function spyTimingSafeEqual<T>(run: () => T): { result: T; calls: Array<[number, number]> } {
      const original = crypto.timingSafeEqual;
      const calls: Array<[number, number]> = [];
      (crypto as { timingSafeEqual: typeof original }).timingSafeEqual = (a, b) => {
        calls.push([(a as Buffer).length, (b as Buffer).length]);
        return original(a, b);
      };
      try {
        return { result: run(), calls };
      } finally {
        (crypto as { timingSafeEqual: typeof original }).timingSafeEqual = original;
      }
    }

    it('client secrets are checked by comparing fixed-length digests with timingSafeEqual', () => {
      const { secret, hash } = newClientSecret();
      for (const presented of ['', 'x', secret.slice(0, -1), `${secret}x`, 'a'.repeat(10_000)]) {
        const { result, calls } = spyTimingSafeEqual(() => clientSecretMatches(presented, hash));
        assert.equal(result, false);
        assert.deepEqual(calls, [[32, 32]], `one constant-time comparison of two SHA-256 digests for a ${presented.length}-character guess`);
      }
      assert.equal(spyTimingSafeEqual(() => clientSecretMatches(secret, hash)).result, true);
    });

    it('the admin token is checked the same way, whatever the length of the presented token', () => {
      const auth = new AdminTokenAuthenticator('a'.repeat(43));
      for (const presented of ['', 'a', 'a'.repeat(42), 'b'.repeat(43), 'a'.repeat(44)]) {
        const { result, calls } = spyTimingSafeEqual(() => auth.authenticate(presented));
        assert.equal(result, undefined);
        assert.deepEqual(calls, [[32, 32]]);
      }
    });
  });
});
