/**
 * Test users' passwords: scrypt (memory-hard, RFC 7914) with a random salt, stored as
 * `scrypt$N$r$p$salt$hash` so that the cost can rise later without breaking stored hashes. The sign-in page checks a
 * password only when the guessing throttle lets it (idp/signInThrottle.ts).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * N = 2^14, r = 8, p = 1: the scrypt paper's parameters for interactive sign-ins (Percival 2009), 16 MiB and about
 * 40 ms of CPU a hash on a quiet core. Import Users is bound by this cost (it hashes four at a time on libuv's pool):
 * 200 users ≈ 4 s on two idle cores, 5,000 ≈ 100 s. A lower N would import faster but is weaker against a stolen
 * store; a stored hash names its own parameters, so a change here needs no migration.
 */
const COST: Required<Pick<ScryptOptions, 'N' | 'r' | 'p'>> = { N: 1 << 14, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...o, maxmem: 256 * o.N * o.r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, checked against when the username is unknown so that the answer takes as long. */
export const NO_USER_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${randomBytes(16).toString('base64url')}$${randomBytes(KEY_BYTES).toString('base64url')}`;
