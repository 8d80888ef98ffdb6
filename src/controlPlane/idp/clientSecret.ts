/**
 * Client secrets of the built-in identity provider.
 *
 * A secret is 32 random bytes (256 bits), base64url. The store keeps only its SHA-256. A fast hash is safe here,
 * unlike for passwords: nobody can guess or brute-force a 256-bit random value, so the slowness of bcrypt/scrypt
 * would buy nothing, and it would cost the token endpoint (a hot path) most of its throughput.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newClientSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashClientSecret(secret) };
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Constant-time check of a presented secret against the stored hash. */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = Buffer.from(storedHash, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A client ID: random, URL-safe, and unlike a secret not confidential (it appears in tokens and config files). */
export function newClientId(): string {
  return randomBytes(18).toString('base64url');
}
