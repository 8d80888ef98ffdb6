/**
 * The built-in identity provider's authorization server, one issuer per organization (issue 24): the authorization
 * endpoint and its sign-in page, the authorization_code (PKCE S256 only) and refresh_token grants (rotation, reuse
 * revokes the family), userinfo, revocation (RFC 7009) and RP-initiated logout. Written on node:crypto and jose
 * rather than oidc-provider (see README, "The built-in identity provider signs people in").
 *
 * Everything it keeps is in the store (idp/records.ts), so any replica finishes what another started. One-time use
 * rests on the store's unique indexes: the grant of a code is unique by the code's hash, a refresh token's successor
 * by its parent's hash; of two replicas racing, the second write fails and is answered as the replay it is.
 *
 * What a browser gets wrong is answered on a page, never by a redirect to a place the client did not register.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issuerUrl, tokenUrl } from '../../api/routes';
import type { KeySettings } from '../../api/keySettings';
import type { ControlPlaneContext } from '../context';
import { C, type AuthConfigRecord, type ComponentRecord, type EnvironmentRecord, type OrganizationRecord } from '../domain/records';
import { keySettingsOf } from '../domain/views';
import { readBody } from '../http/body';
import type { RouteContext, Router } from '../http/router';
import { indexKey } from '../store/collection';
import { MissingRecord, UniqueViolation, type Store, type WriteOp } from '../store/store';
import { clientSecretMatches } from './clientSecret';
import { ClientThrottle } from './clientThrottle';
import type { ClientAddress } from '../http/clientAddress';
import { NO_USER_HASH, passwordMatches } from './passwords';
import {
  IDP,
  type AuthorizationRequest,
  type CodeRecord,
  type GrantRecord,
  type InteractionRecord,
  type RefreshTokenRecord,
  type SessionRecord,
  type TestUserRecord,
} from './records';
import { messageBody, sendPage, signInPageBody } from './signInPage';
import type { SigningKeys } from './signingKeys';
import { badClient, clientCredentials, OAuthError, type UserGrants } from './tokenEndpoint';
import { findTestUser } from './testUsers';
import { grantIsLive, isGrantId } from './liveGrants';
import { sweepExpired, SWEEP_EVERY_MS } from './sweep';
import { newSecret, sha256, userClaims, UserTokens } from './userTokens';

const CODE_LIFETIME_SEC = 60;
const INTERACTION_LIFETIME_SEC = 600;
const SESSION_LIFETIME_SEC = 8 * 3600;
const SESSION_COOKIE = 'choreo_session';
const SIGN_IN_COOKIE = 'choreo_sign_in';
/** RFC 7636 §4.1: 43 to 128 unreserved characters; an S256 challenge is 43 base64url characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** OAuth scope-token (RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
export const USER_SCOPES = ['openid', 'profile', 'email'];

/**
 * Password guessing, slowed per (user, address) and per address. While either is closed the password is not checked
 * at all (a person's password is guessable, unlike a client secret). The user is never locked as such: a guesser at
 * one address does not close the user's sign-in from another.
 */
export class SignInThrottle {
  constructor(
    readonly perUserAndAddress = new ClientThrottle({ freeFailures: 5, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 }),
    readonly perAddress = new ClientThrottle({ freeFailures: 30, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 }),
  ) {}

  /** `users`: the user store the name is looked up in (organization and environment): one organization's `ann` is
   * not another's, so guesses at one do not slow the other down, even from the same address. */
  retryAfterMs(users: string, username: string, address: string, now = Date.now()): number {
    return Math.max(this.perUserAndAddress.retryAfterMs(userKey(users, username, address), now), this.perAddress.retryAfterMs(address, now));
  }

  failed(users: string, username: string, address: string, now = Date.now()): void {
    this.perUserAndAddress.failed(userKey(users, username, address), now);
    this.perAddress.failed(address, now);
  }
}

const userKey = (users: string, username: string, address: string) => `${users} ${username.toLowerCase()} ${address}`;

/** RFC 8252 §7.3: a registered http://127.0.0.1 or http://[::1] callback matches on any port; others exactly. */
export function callbackRegistered(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') || url.href !== requested) return false;
  url.port = '';
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      if (reg.hostname !== url.hostname) return false;
      reg.port = '';
      return reg.href === url.href;
    } catch {
      return false;
    }
  });
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const iso = (ms: number) => new Date(ms).toISOString();
const expired = (r: { expiresAt: string }) => Date.parse(r.expiresAt) <= Date.now();

/** A built-in client of this organization, with what the pages say about it. */
/** The start of every record kept for one of a client's sign-ins: a new id, its organization and its keys. */
function newRecordOf(client: Client): { id: string; orgId: string; authConfigId: string } {
  return { id: randomUUID(), orgId: client.config.orgId, authConfigId: client.config.id };
}

interface Client {
  config: AuthConfigRecord;
  settings: KeySettings;
}

export class AuthorizationServer {
  readonly tokens: UserTokens;
  /** When each organization was last swept (idp/sweep.ts), in this process. */
  private readonly swept = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly baseUrl: string,
    keys: SigningKeys,
    private readonly clientAddress: ClientAddress,
    readonly throttle = new SignInThrottle(),
  ) {
    this.tokens = new UserTokens(baseUrl, keys);
  }

  private issuer = (org: string) => issuerUrl(this.baseUrl, org);
  /** The issuer's path (with the public URL's own path, behind a proxy that adds one), for cookies and the form. */
  private cookiePath = (org: string) => `${new URL(this.issuer(org)).pathname}/`;
  private cookie(org: string, name: string, value: string, maxAgeSec: number): string {
    const secure = this.baseUrl.startsWith('https:') ? '; Secure' : '';
    return `${name}=${value}; Path=${this.cookiePath(org)}; Max-Age=${maxAgeSec}; HttpOnly; SameSite=Lax${secure}`;
  }

  private async client(org: string, clientId: string | null): Promise<Client | undefined> {
    if (!clientId) return undefined;
    const config = await this.store.findUnique<AuthConfigRecord>(C.authConfigs, 'clientId', clientId);
    if (!config || config.kind !== 'built-in' || config.orgHandle !== org) return undefined;
    return { config, settings: keySettingsOf(config) };
  }

  // ---- the authorization endpoint

  register(router: Router): void {
    router.public('GET', '/oauth2/:org/authorize', (ctx) => this.authorize(ctx));
    router.public('POST', '/oauth2/:org/authorize', (ctx) => this.signIn(ctx));
    router.public('GET', '/oauth2/:org/userinfo', (ctx) => this.userinfo(ctx));
    router.public('POST', '/oauth2/:org/userinfo', (ctx) => this.userinfo(ctx));
    router.public('POST', '/oauth2/:org/revoke', (ctx) => this.revoke(ctx));
    router.public('GET', '/oauth2/:org/logout', (ctx) => this.logout(ctx, new URLSearchParams(ctx.req.url!.split('?')[1] ?? '')));
    router.public('POST', '/oauth2/:org/logout', async (ctx) => this.logout(ctx, await this.form(ctx.req)));
  }

  private errorPage(res: ServerResponse, status: number, title: string, message: string): void {
    sendPage(res, status, title, messageBody(title, message));
  }

  /** The redirect of an authorization response (RFC 9207: with `iss`). */
  private redirect(
    res: ServerResponse,
    redirectUri: string,
    org: string,
    params: Record<string, string | undefined>,
    headers: Record<string, string | string[]> = {},
  ): void {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    url.searchParams.set('iss', this.issuer(org));
    res.writeHead(303, { location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...headers });
    res.end();
  }

  private async authorize({ req, res, params }: RouteContext): Promise<void> {
    const org = params.org;
    const query = new URLSearchParams(req.url!.split('?')[1] ?? '');
    const one = (name: string) => query.get(name);
    const client = await this.client(org, one('client_id'));
    if (!client) {
      return this.errorPage(
        res,
        400,
        'Unknown app',
        'This sign-in names no app of this organization (its client_id is missing or unknown). Go back to the app; its keys may have been removed.',
      );
    }
    const redirectUri = one('redirect_uri');
    if (!redirectUri || query.getAll('redirect_uri').length > 1 || !callbackRegistered(client.settings.callbackUrls, redirectUri)) {
      return this.errorPage(
        res,
        400,
        'Callback URL not registered',
        "The app asked to return to a callback URL its key settings do not list. Add the exact URL to the key settings' callback URLs, or fix the app.",
      );
    }
    const state = one('state') ?? undefined;
    const fail = (error: string, description: string) => this.redirect(res, redirectUri, org, { error, error_description: description, state });
    for (const name of ['client_id', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt']) {
      if (query.getAll(name).length > 1) return fail('invalid_request', `The parameter ${name} appears more than once.`);
    }
    if (one('request') !== null || one('request_uri') !== null) return fail('request_not_supported', 'Request objects are not supported.');
    if (one('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
    if (!client.settings.grantTypes.includes('authorization_code')) {
      return fail('unauthorized_client', 'The key settings of this app do not allow Authorization Code.');
    }
    if ((one('response_mode') ?? 'query') !== 'query') return fail('invalid_request', 'Only response_mode=query is supported.');
    const challenge = one('code_challenge') ?? undefined;
    const method = one('code_challenge_method');
    if (challenge !== undefined || method !== null) {
      if (method !== 'S256') return fail('invalid_request', 'PKCE: use code_challenge_method=S256 (plain is not supported).');
      if (!challenge || !CHALLENGE.test(challenge))
        return fail('invalid_request', 'PKCE: code_challenge is the base64url SHA-256 of the code verifier (43 characters).');
    } else if (client.settings.pkceRequired || client.settings.publicClient) {
      return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.');
    }
    const scopes = (one('scope') ?? 'openid').split(' ').filter(Boolean);
    if (scopes.length > 32 || scopes.some((s) => !SCOPE_TOKEN.test(s))) return fail('invalid_scope', 'The scope has characters a scope cannot have.');
    const nonce = one('nonce') ?? undefined;
    if ((nonce?.length ?? 0) > 512 || (state?.length ?? 0) > 2048) return fail('invalid_request', 'The state or nonce is too long.');
    const prompt = (one('prompt') ?? '').split(' ');
    const request: AuthorizationRequest = {
      clientId: client.config.clientId,
      redirectUri,
      scope: [...new Set(scopes)].join(' '),
      ...(state !== undefined && { state }),
      ...(nonce !== undefined && { nonce }),
      ...(challenge !== undefined && { codeChallenge: challenge }),
      ...(prompt.includes('login') && { forceLogin: true }),
    };

    // Signed in already in this browser, for this environment: no page.
    const session = await this.session(req, client.config);
    if (session && !request.forceLogin) {
      const user = await this.store.get<TestUserRecord>(IDP.testUsers, session.userId);
      if (user) return this.finish(res, org, client, request, session, user);
    }
    if (prompt.includes('none')) return fail('login_required', 'The person is not signed in.');

    const csrf = newSecret();
    const now = Date.now();
    const interaction: InteractionRecord = {
      ...newRecordOf(client),
      environment: client.config.environment,
      request,
      csrfHash: sha256(csrf),
      createdAt: iso(now),
      expiresAt: iso(now + INTERACTION_LIFETIME_SEC * 1000),
    };
    await this.store.write([
      { op: 'require', collection: C.orgs, id: client.config.orgId },
      { op: 'put', collection: IDP.interactions, record: interaction },
    ]);
    if (now - (this.swept.get(client.config.orgId) ?? 0) >= SWEEP_EVERY_MS) {
      this.swept.set(client.config.orgId, now);
      sweepExpired(this.store, client.config.orgId).catch((err: Error) => console.error(`control plane: sweeping expired sign-ins failed: ${err.message}`));
    }
    await this.page(res, 200, org, client, interaction, csrf, {
      'set-cookie': this.cookie(org, SIGN_IN_COOKIE, `${interaction.id}.${csrf}`, INTERACTION_LIFETIME_SEC),
    });
  }

  private async page(
    res: ServerResponse,
    status: number,
    org: string,
    client: Client,
    interaction: InteractionRecord,
    csrf: string,
    headers: Record<string, string> = {},
    extra: { username?: string; error?: string } = {},
  ): Promise<void> {
    const [component, orgRecord, env] = await Promise.all([
      this.store.get<ComponentRecord>(C.components, client.config.componentId),
      this.store.get<OrganizationRecord>(C.orgs, client.config.orgId),
      this.store.findUnique<EnvironmentRecord>(C.environments, 'handle', indexKey(client.config.orgId, client.config.environment)),
    ]);
    const target = new URL(interaction.request.redirectUri);
    const formTarget = target.protocol === 'http:' || target.protocol === 'https:' ? target.origin : target.protocol;
    sendPage(
      res,
      status,
      `Sign in to ${component?.displayName ?? 'the app'}`,
      signInPageBody({
        action: `${this.cookiePath(org)}authorize`,
        interaction: interaction.id,
        csrf,
        appName: component?.displayName ?? client.config.clientId,
        orgName: orgRecord?.name ?? org,
        environmentName: env?.name ?? client.config.environment,
        ...extra,
      }),
      [formTarget],
      headers,
    );
  }

  private async form(req: IncomingMessage): Promise<URLSearchParams> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams();
    return new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
  }

  /** The sign-in form's answer. */
  private async signIn({ req, res, params }: RouteContext): Promise<void> {
    const org = params.org;
    const form = await this.form(req);
    const interactionId = form.get('interaction') ?? '';
    const interaction = /^[0-9a-f-]{36}$/.test(interactionId) ? await this.store.get<InteractionRecord>(IDP.interactions, interactionId) : undefined;
    const client = interaction && (await this.client(org, interaction.request.clientId));
    if (!interaction || !client || client.config.id !== interaction.authConfigId || expired(interaction)) {
      return this.errorPage(res, 400, 'Sign-in expired', 'This sign-in is over or was never started here. Go back to the app and sign in again.');
    }
    // Login CSRF: the form must come from the browser that was shown it, which holds the value in its cookie.
    const [cookieId, cookieCsrf] = (parseCookies(req.headers.cookie).get(SIGN_IN_COOKIE) ?? '').split('.');
    const csrf = form.get('csrf') ?? '';
    if (cookieId !== interaction.id || !cookieCsrf || !sameSecret(cookieCsrf, csrf) || sha256(csrf) !== interaction.csrfHash) {
      return this.errorPage(
        res,
        403,
        'Sign-in not verified',
        'This sign-in form did not come from this browser (its security check failed). Go back to the app and sign in again.',
      );
    }
    const username = (form.get('username') ?? '').trim().slice(0, 100);
    const password = form.get('password') ?? '';
    const address = this.clientAddress(req);
    const users = `${client.config.orgId}/${client.config.environment}`;
    const waitMs = this.throttle.retryAfterMs(users, username, address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      return this.page(
        res,
        429,
        org,
        client,
        interaction,
        csrf,
        { 'retry-after': String(seconds) },
        {
          username,
          error: `Too many failed sign-ins. Wait ${seconds} s, then try again.`,
        },
      );
    }
    const user = username ? await findTestUser(this.store, client.config.orgId, client.config.environment, username) : undefined;
    // Checked against a hash even when the user is unknown, so that the time taken does not tell which users exist.
    const matches = await passwordMatches(password, user?.passwordHash ?? NO_USER_HASH);
    if (!user || !matches) {
      this.throttle.failed(users, username, address);
      return this.page(res, 401, org, client, interaction, csrf, {}, { username, error: 'Wrong username or password.' });
    }
    const now = Date.now();
    const secret = newSecret();
    const session: SessionRecord = {
      id: randomUUID(),
      orgId: client.config.orgId,
      environment: client.config.environment,
      userId: user.id,
      secretHash: sha256(secret),
      authTime: iso(now),
      createdAt: iso(now),
      expiresAt: iso(now + SESSION_LIFETIME_SEC * 1000),
    };
    await this.finish(
      res,
      org,
      client,
      interaction.request,
      session,
      user,
      [
        { op: 'put', collection: IDP.sessions, record: session },
        { op: 'delete', collection: IDP.interactions, id: interaction.id },
      ],
      [this.cookie(org, SESSION_COOKIE, `${session.id}.${secret}`, SESSION_LIFETIME_SEC), this.cookie(org, SIGN_IN_COOKIE, '', 0)],
    );
  }

  /** The session this browser's cookie names, if live and of the client's environment. */
  private async session(req: IncomingMessage, config: AuthConfigRecord): Promise<SessionRecord | undefined> {
    const [id, secret] = (parseCookies(req.headers.cookie).get(SESSION_COOKIE) ?? '').split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const session = await this.store.get<SessionRecord>(IDP.sessions, id);
    if (!session || expired(session) || sha256(secret) !== session.secretHash) return undefined;
    return session.orgId === config.orgId && session.environment === config.environment ? session : undefined;
  }

  /** Issues the code and sends the browser back to the app. */
  private async finish(
    res: ServerResponse,
    org: string,
    client: Client,
    request: AuthorizationRequest,
    session: SessionRecord,
    user: TestUserRecord,
    ops: WriteOp[] = [],
    cookies: string[] = [],
  ): Promise<void> {
    const code = newSecret();
    const now = Date.now();
    const record: CodeRecord = {
      ...newRecordOf(client),
      clientId: client.config.clientId,
      userId: user.id,
      sessionId: session.id,
      codeHash: sha256(code),
      redirectUri: request.redirectUri,
      scope: request.scope,
      ...(request.nonce !== undefined && { nonce: request.nonce }),
      ...(request.codeChallenge !== undefined && { codeChallenge: request.codeChallenge }),
      authTime: session.authTime,
      createdAt: iso(now),
      expiresAt: iso(now + CODE_LIFETIME_SEC * 1000),
    };
    await this.store.write([{ op: 'require', collection: IDP.testUsers, id: user.id }, ...ops, { op: 'put', collection: IDP.codes, record }]);
    this.redirect(res, request.redirectUri, org, { code, state: request.state }, cookies.length ? { 'set-cookie': cookies } : {});
  }

  // ---- the token endpoint's grants for people

  readonly grants: UserGrants = async (req, params, org) => {
    const client = await this.authenticate(req, params, org);
    const grant = params.get('grant_type');
    if (!client.settings.grantTypes.includes(grant === 'authorization_code' ? 'authorization_code' : 'refresh_token')) {
      throw new OAuthError(
        400,
        'unauthorized_client',
        `The key settings of this app do not allow ${grant === 'authorization_code' ? 'Authorization Code' : 'Refresh Token'}.`,
      );
    }
    for (const name of ['code', 'code_verifier', 'redirect_uri', 'refresh_token']) {
      if (params.getAll(name).length > 1) throw new OAuthError(400, 'invalid_request', `The parameter ${name} appears more than once.`);
    }
    return grant === 'authorization_code' ? this.redeemCode(org, client, params) : this.refresh(org, client, params);
  };

  /** A confidential client by its secret (Basic or in the body); a public one by its client_id alone. */
  private async authenticate(req: IncomingMessage, params: URLSearchParams, org: string): Promise<Client> {
    const basic = /^basic /i.test(req.headers.authorization ?? '');
    if (!basic && params.get('client_secret') === null) {
      const client = await this.client(org, params.get('client_id'));
      if (!client) throw badClient();
      if (!client.settings.publicClient) {
        throw new OAuthError(401, 'invalid_client', 'This app is a confidential client: authenticate with its client secret.', true);
      }
      return client;
    }
    const { clientId, secret } = clientCredentials(req.headers.authorization, params);
    const client = await this.client(org, clientId);
    if (!client?.config.secretHash || !clientSecretMatches(secret, client.config.secretHash)) throw badClient();
    return client;
  }

  private async redeemCode(org: string, client: Client, params: URLSearchParams): Promise<string> {
    const code = params.get('code');
    if (!code) throw new OAuthError(400, 'invalid_request', 'The code parameter is missing.');
    const codeHash = sha256(code);
    const record = await this.store.findUnique<CodeRecord>(IDP.codes, 'code', codeHash);
    if (!record) {
      // Redeemed before: a replay. The tokens the first redemption gave are revoked (RFC 6749 §4.1.2).
      const grant = await this.store.findUnique<GrantRecord>(IDP.grants, 'code', codeHash);
      if (grant) await this.revokeGrant(grant);
      throw invalidGrant(grant ? 'This code was already used; the tokens it gave are revoked.' : 'The code is unknown or has expired.');
    }
    if (record.clientId !== client.config.clientId) throw invalidGrant('The code was issued to another app.');
    if (expired(record)) {
      await this.store.write([{ op: 'delete', collection: IDP.codes, id: record.id }]);
      throw invalidGrant('The code has expired; sign in again.');
    }
    if (params.get('redirect_uri') !== record.redirectUri) throw invalidGrant('redirect_uri differs from the one of the authorization request.');
    const verifier = params.get('code_verifier');
    if (record.codeChallenge !== undefined) {
      if (verifier === null) throw invalidGrant('PKCE: the code_verifier is missing.');
      if (!VERIFIER.test(verifier) || sha256(verifier) !== record.codeChallenge)
        throw invalidGrant('PKCE: the code_verifier does not match the code_challenge.');
    } else if (verifier !== null) {
      throw invalidGrant('PKCE: a code_verifier was sent, but the authorization request had no code_challenge.');
    }
    const user = await this.store.get<TestUserRecord>(IDP.testUsers, record.userId);
    if (!user) throw invalidGrant('The user of this code was deleted.');
    const grant: GrantRecord = {
      id: randomUUID(),
      orgId: record.orgId,
      authConfigId: record.authConfigId,
      clientId: record.clientId,
      environment: client.config.environment,
      userId: record.userId,
      sessionId: record.sessionId,
      codeHash,
      scope: record.scope,
      ...(record.nonce !== undefined && { nonce: record.nonce }),
      authTime: record.authTime,
      createdAt: new Date().toISOString(),
    };
    const refresh = client.settings.grantTypes.includes('refresh_token') ? this.newRefreshToken(grant, client.settings) : undefined;
    try {
      // The grant first: unique by the code, it is what makes the code redeemable once across replicas. The code must
      // still be there too: a replay that revoked the first grant frees its code's slot in that index, and a replica
      // that read the code before it was redeemed must not take the slot.
      await this.store.write([
        { op: 'put', collection: IDP.grants, record: grant },
        { op: 'require', collection: IDP.codes, id: record.id },
        { op: 'delete', collection: IDP.codes, id: record.id },
        { op: 'require', collection: IDP.testUsers, id: user.id },
        ...(refresh ? [{ op: 'put' as const, collection: IDP.refreshTokens, record: refresh.record }] : []),
      ]);
    } catch (err) {
      if ((err instanceof UniqueViolation && err.collection === IDP.grants) || (err instanceof MissingRecord && err.collection === IDP.codes)) {
        const first = await this.store.findUnique<GrantRecord>(IDP.grants, 'code', codeHash);
        if (first) await this.revokeGrant(first);
        throw invalidGrant('This code was already used; the tokens it gave are revoked.');
      }
      if (err instanceof MissingRecord) throw invalidGrant('The user of this code was deleted.');
      throw err;
    }
    return this.answer(org, client, grant, user, refresh?.token, record.nonce);
  }

  private newRefreshToken(grant: GrantRecord, settings: KeySettings, parentHash?: string): { token: string; record: RefreshTokenRecord } {
    const token = newSecret();
    const now = Date.now();
    return {
      token,
      record: {
        id: randomUUID(),
        orgId: grant.orgId,
        grantId: grant.id,
        userId: grant.userId,
        tokenHash: sha256(token),
        ...(parentHash !== undefined && { parentHash }),
        createdAt: iso(now),
        expiresAt: iso(now + settings.expiry.refreshToken * 1000),
      },
    };
  }

  private async refresh(org: string, client: Client, params: URLSearchParams): Promise<string> {
    const token = params.get('refresh_token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'The refresh_token parameter is missing.');
    const hash = sha256(token);
    const record = await this.store.findUnique<RefreshTokenRecord>(IDP.refreshTokens, 'token', hash);
    const grant = record && (await this.store.get<GrantRecord>(IDP.grants, record.grantId));
    if (!record || !grant) throw invalidGrant('The refresh token is unknown or was revoked.');
    if (grant.clientId !== client.config.clientId) throw invalidGrant('The refresh token was issued to another app.');
    const reuse = async () => {
      await this.revokeGrant(grant);
      return invalidGrant('This refresh token was already used; every token of its sign-in is revoked. Sign in again.');
    };
    if (await this.store.findUnique<RefreshTokenRecord>(IDP.refreshTokens, 'parent', hash)) throw await reuse();
    if (expired(record)) throw invalidGrant('The refresh token has expired; sign in again.');
    const user = await this.store.get<TestUserRecord>(IDP.testUsers, grant.userId);
    if (!user) throw invalidGrant('The user of this refresh token was deleted.');
    const next = this.newRefreshToken(grant, client.settings, hash);
    try {
      await this.store.write([
        { op: 'require', collection: IDP.grants, id: grant.id },
        { op: 'require', collection: IDP.testUsers, id: user.id },
        { op: 'put', collection: IDP.refreshTokens, record: next.record },
      ]);
    } catch (err) {
      if (err instanceof UniqueViolation) throw await reuse();
      if (err instanceof MissingRecord)
        throw invalidGrant(err.collection === IDP.grants ? 'The refresh token was revoked.' : 'The user of this refresh token was deleted.');
      throw err;
    }
    return this.answer(org, client, grant, user, next.token, undefined);
  }

  private answer(org: string, client: Client, grant: GrantRecord, user: TestUserRecord, refreshToken: string | undefined, nonce: string | undefined): string {
    const { expiry } = client.settings;
    const secretVersion = client.config.secretRegeneratedAt ? Date.parse(client.config.secretRegeneratedAt) : undefined;
    const body: Record<string, unknown> = {
      access_token: this.tokens.accessToken(org, grant, user, expiry.userAccessToken, secretVersion),
      token_type: 'Bearer',
      expires_in: expiry.userAccessToken,
      scope: grant.scope,
    };
    if (refreshToken) body.refresh_token = refreshToken;
    if (grant.scope.split(' ').includes('openid')) body.id_token = this.tokens.idToken(org, grant, user, expiry.idToken, nonce);
    return JSON.stringify(body);
  }

  /** Ends a grant: its refresh tokens, and (through grant_id) its access tokens at userinfo and the gateway. */
  async revokeGrant(grant: GrantRecord): Promise<void> {
    const ops: WriteOp[] = (await this.store.findAll(IDP.refreshTokens, 'grant', grant.id)).map((r) => ({
      op: 'delete',
      collection: IDP.refreshTokens,
      id: r.id,
    }));
    await this.store.write([...ops, { op: 'delete', collection: IDP.grants, id: grant.id }]);
  }

  // ---- userinfo, revocation, logout

  private async userinfo({ req, res, params }: RouteContext): Promise<void> {
    const refuse = (description: string) => {
      const body = JSON.stringify({ error: 'invalid_token', error_description: description });
      res.writeHead(401, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'www-authenticate': `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
      });
      res.end(body);
    };
    const auth = req.headers.authorization ?? '';
    if (!/^bearer /i.test(auth)) return refuse('Send the access token as Authorization: Bearer.');
    const claims = await this.tokens.verify(params.org, auth.slice(7).trim(), 'at+jwt');
    if (!claims || typeof claims.sub !== 'string') return refuse('The access token is invalid or has expired.');
    if (
      !String(claims.scope ?? '')
        .split(' ')
        .includes('openid')
    )
      return refuse('The access token was not granted the openid scope.');
    if (!(await grantIsLive(this.store, claims.grant_id))) return refuse('The access token was revoked.');
    const user = await this.store.get<TestUserRecord>(IDP.testUsers, claims.sub);
    if (!user) return refuse('The user was deleted.');
    const body = JSON.stringify({ sub: user.id, ...userClaims(user, String(claims.scope)) });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  }

  /** RFC 7009: 200 whether or not the token was known; a refresh or access token ends its whole grant. */
  private async revoke({ req, res, params }: RouteContext): Promise<void> {
    const form = await this.form(req);
    try {
      const client = await this.authenticate(req, form, params.org);
      const token = form.get('token') ?? '';
      const hint = form.get('token_type_hint');
      let grant: GrantRecord | undefined;
      if (hint !== 'access_token') {
        const rt = await this.store.findUnique<RefreshTokenRecord>(IDP.refreshTokens, 'token', sha256(token));
        if (rt) grant = await this.store.get<GrantRecord>(IDP.grants, rt.grantId);
      }
      if (!grant && token.split('.').length === 3) {
        const claims = await this.tokens.verify(params.org, token, 'at+jwt');
        if (claims && isGrantId(claims.grant_id)) {
          grant = await this.store.get<GrantRecord>(IDP.grants, claims.grant_id);
        }
      }
      if (grant && grant.clientId === client.config.clientId) await this.revokeGrant(grant);
      res.writeHead(200, { 'cache-control': 'no-store', 'content-length': '0' });
      res.end();
    } catch (err) {
      const e = err instanceof OAuthError ? err : new OAuthError(500, 'server_error', 'Revocation failed; try again.');
      if (!(err instanceof OAuthError)) console.error('control plane: revocation failed:', err);
      res.writeHead(e.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: e.error, error_description: e.description }));
    }
  }

  /** OIDC RP-Initiated Logout: ends this browser's session and its grants; returns only to a registered URL. */
  private async logout({ req, res, params }: RouteContext, query: URLSearchParams): Promise<void> {
    const org = params.org;
    const postLogout = query.get('post_logout_redirect_uri');
    let clientId = query.get('client_id');
    const hint = query.get('id_token_hint');
    if (hint) {
      const claims = await this.tokens.verify(org, hint, 'JWT', true);
      if (!claims) return this.errorPage(res, 400, 'Sign-out refused', 'The id_token_hint is not an ID token of this provider.');
      const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
      if (clientId && clientId !== aud) return this.errorPage(res, 400, 'Sign-out refused', 'client_id differs from the audience of the id_token_hint.');
      clientId = aud ?? null;
    }
    let returnTo: string | undefined;
    if (postLogout) {
      const client = await this.client(org, clientId);
      if (!client || !client.settings.postLogoutRedirectUrls.includes(postLogout)) {
        return this.errorPage(
          res,
          400,
          'Sign-out URL not registered',
          "The app asked to return to a URL its key settings do not list as a logout URL. Add it to the key settings' logout URLs, or fix the app.",
        );
      }
      returnTo = postLogout;
    }
    const [id, secret] = (parseCookies(req.headers.cookie).get(SESSION_COOKIE) ?? '').split('.');
    if (id && secret && /^[0-9a-f-]{36}$/.test(id)) {
      const session = await this.store.get<SessionRecord>(IDP.sessions, id);
      if (session && sha256(secret) === session.secretHash) {
        const ops: WriteOp[] = [];
        for (const grant of await this.store.findAll<GrantRecord>(IDP.grants, 'session', session.id)) {
          for (const r of await this.store.findAll(IDP.refreshTokens, 'grant', grant.id)) ops.push({ op: 'delete', collection: IDP.refreshTokens, id: r.id });
          ops.push({ op: 'delete', collection: IDP.grants, id: grant.id });
        }
        await this.store.write([...ops, { op: 'delete', collection: IDP.sessions, id: session.id }]);
      }
    }
    const clear = { 'set-cookie': this.cookie(org, SESSION_COOKIE, '', 0) };
    if (returnTo) {
      const url = new URL(returnTo);
      const state = query.get('state');
      if (state !== null) url.searchParams.set('state', state);
      res.writeHead(303, { location: url.href, 'cache-control': 'no-store', ...clear });
      res.end();
      return;
    }
    sendPage(res, 200, 'Signed out', messageBody('Signed out', 'You are signed out of the built-in identity provider. You can close this page.'), [], clear);
  }

  /** The discovery document: exactly what this provider supports. */
  discovery(org: string): Record<string, unknown> {
    const issuer = this.issuer(org);
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: tokenUrl(this.baseUrl, org),
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      revocation_endpoint: `${issuer}/revoke`,
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: [...USER_SCOPES, 'default'],
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'sid',
        'azp',
        'groups',
        'preferred_username',
        'name',
        'given_name',
        'family_name',
        'email',
        'email_verified',
      ],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      access_token_signing_alg_values_supported: ['ES256'],
      prompt_values_supported: ['none', 'login'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    };
  }
}

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);

/** The authorization server of a context (one per control plane process; routes and the token endpoint share it). */
const servers = new WeakMap<ControlPlaneContext, AuthorizationServer>();
export function authorizationServer(ctx: ControlPlaneContext): AuthorizationServer {
  let server = servers.get(ctx);
  if (!server) servers.set(ctx, (server = new AuthorizationServer(ctx.store, ctx.baseUrl, ctx.signingKeys, ctx.clientAddress)));
  return server;
}
