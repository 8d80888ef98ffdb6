/**
 * Who is calling the management API: the admin (the operator), whose token the first start writes into the data
 * folder; on a team server also people signed in with the team's identity provider and their personal access tokens
 * (members/authenticators.ts). Routes only ever see the Principal.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { writeFileAtomicSync } from '../store/atomicFile';
import type { Role } from '../../api/members';
import { ApiError } from './errors';

export interface Principal {
  /** `token`: a person's personal access token, for one organization with a capped role. */
  kind: 'admin' | 'user' | 'token';
  /** The admin: "admin"; a person and their tokens: the user's id. */
  id: string;
  /** How the audit log and messages name the caller: the display name and email the identity provider sent, which
   * anyone can choose at their provider, so never alone what identifies them. */
  name?: string;
  /** A person and their tokens: who the identity provider says it is (`sub`, `iss`), stable and not chosen freely. */
  account?: { subject: string; issuer: string };
  token?: { id: string; orgId: string; role: Role };
}

export interface Authenticator {
  /** The principal a bearer token stands for, or undefined if it stands for none. May throw a 401 ApiError that
   * says why a token meant for it is refused (expired, another audience). */
  authenticate(token: string, req: IncomingMessage): Principal | undefined | Promise<Principal | undefined>;
}

export const ADMIN_TOKEN_FILE = 'admin-token';

/** Reads the admin token from the data folder, creating it (0600) on first start. */
export function loadOrCreateAdminToken(dataDir: string): string {
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileAtomicSync(file, `${token}\n`, 0o600);
  return token;
}

export class AdminTokenAuthenticator implements Authenticator {
  private readonly digest: Buffer;
  constructor(token: string) {
    this.digest = sha256(token);
  }
  authenticate(token: string): Principal | undefined {
    // Comparing digests keeps the comparison constant-time whatever the presented token's length.
    return timingSafeEqual(sha256(token), this.digest) ? { kind: 'admin', id: 'admin' } : undefined;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export async function requirePrincipal(req: IncomingMessage, authenticators: Authenticator[]): Promise<Principal> {
  const header = req.headers.authorization;
  const match = header ? /^Bearer[ ]+([\x21-\x7e]+)\s*$/i.exec(header) : null;
  if (!match) {
    throw new ApiError(
      401,
      'unauthorized',
      'Send the control plane\'s access token as "Authorization: Bearer <token>" (for a local control plane, it is in the admin-token file of its data folder).',
      undefined,
      { 'www-authenticate': 'Bearer realm="choreo-control-plane"' },
    );
  }
  for (const a of authenticators) {
    const principal = await a.authenticate(match[1], req);
    if (principal) return principal;
  }
  throw new ApiError(
    401,
    'unauthorized',
    'The access token is not valid for this control plane. Check that it is the current one from its data folder.',
    undefined,
    {
      'www-authenticate': 'Bearer realm="choreo-control-plane", error="invalid_token"',
    },
  );
}
