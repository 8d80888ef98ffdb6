/**
 * "Choreo (team.example)" in the Accounts menu: a VS Code AuthenticationProvider for a team's control plane that signs
 * the person in with the team's identity provider through the device authorization grant (deviceFlow.ts). The user
 * code is shown in a notification and the provider's page opened with env.openExternal, which works in desktop,
 * remote and browser VS Code alike. Tokens live in SecretStorage only; the access token is renewed with the refresh
 * token before it expires; Sign Out forgets them and revokes them where the provider has a revocation endpoint.
 */
import * as vscode from 'vscode';
import type { SignInInfo } from '../api/members';
import type { SignInTokens } from './deviceFlow';

export const AUTH_PROVIDER_ID = 'choreo';
/** Renewed this long before the access token expires. */
const RENEW_BEFORE_MS = 60_000;

/** What is kept in SecretStorage for one control plane. */
interface StoredSignIn {
  sessionId: string;
  account: { id: string; label: string };
  tokens: SignInTokens;
  /** How this sign-in was made, to renew and revoke it even when the control plane is away. */
  info: SignInInfo;
}

/** The code the person must enter, and where (for the notification, and for tests that enter it as a person would). */
export interface UserCodePrompt {
  userCode: string;
  verificationUri: string;
}

export const authProviderLabel = (baseUrl: string) => vscode.l10n.t('Choreo ({0})', new URL(baseUrl).host);

export class ChoreoAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changes.event;
  private readonly prompts = new vscode.EventEmitter<UserCodePrompt>();
  readonly onDidPromptUserCode = this.prompts.event;
  private renewing: Promise<StoredSignIn | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    readonly baseUrl: string,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.registration = vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, authProviderLabel(baseUrl), this, {
      supportsMultipleAccounts: false,
    });
    void this.read().then((s) => s && this.schedule(s));
  }

  private get key(): string {
    return `choreo.signIn/${encodeURIComponent(this.baseUrl)}`;
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const signIn = await this.current();
    return signIn ? [sessionOf(signIn)] : [];
  }

  /** The access token to call the control plane with, renewed first when it is about to expire; undefined when the
   * person is not signed in. */
  async accessToken(): Promise<string | undefined> {
    return (await this.current())?.tokens.accessToken;
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const { pollForTokens, signInInfo, startDeviceAuthorization, whoAmI } = await import('./deviceFlow.js');
    const info = await signInInfo(this.baseUrl);
    const device = await startDeviceAuthorization(info);
    const host = new URL(this.baseUrl).host;
    this.log.info(`Signing in to ${host} at ${device.verificationUri}`);
    this.prompts.fire({ userCode: device.userCode, verificationUri: device.verificationUri });
    void vscode.env.openExternal(vscode.Uri.parse(device.verificationUriComplete ?? device.verificationUri));
    const tokens = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sign in to {0}', host), cancellable: true },
      (progress, cancel) => {
        progress.report({ message: `enter the code ${device.userCode} at ${device.verificationUri}` });
        return pollForTokens(info, device, () => cancel.isCancellationRequested);
      },
    );
    const me = await whoAmI(this.baseUrl, tokens.accessToken);
    const user = me.user;
    const signIn: StoredSignIn = {
      sessionId: `${AUTH_PROVIDER_ID}:${user.id}:${Date.now().toString(36)}`,
      account: { id: user.id, label: user.name ?? user.email ?? user.subject },
      tokens,
      info,
    };
    await this.save(signIn);
    const session = sessionOf(signIn);
    this.changes.fire({ added: [session], removed: [], changed: [] });
    this.log.info(`Signed in to ${host} as ${signIn.account.label}`);
    return session;
  }

  /** Sign Out: forgets the tokens, then revokes them where the provider can. */
  async removeSession(): Promise<void> {
    const signIn = await this.read();
    if (!signIn) return;
    await this.secrets.delete(this.key);
    this.clearTimer();
    this.changes.fire({ added: [], removed: [sessionOf(signIn)], changed: [] });
    const { revokeToken } = await import('./deviceFlow.js');
    try {
      const revoked = [
        signIn.tokens.refreshToken ? await revokeToken(signIn.info, signIn.tokens.refreshToken, 'refresh_token') : false,
        await revokeToken(signIn.info, signIn.tokens.accessToken, 'access_token'),
      ];
      this.log.info(`Signed out of ${this.baseUrl}${revoked.some(Boolean) ? '; the identity provider revoked the tokens' : ''}`);
    } catch (err) {
      this.log.warn(`Signed out of ${this.baseUrl}; the identity provider could not revoke the tokens: ${(err as Error).message}`);
    }
  }

  /** The stored sign-in, renewed when its access token is about to expire (one renewal at a time). */
  private async current(): Promise<StoredSignIn | undefined> {
    const signIn = await this.read();
    if (!signIn || signIn.tokens.expiresAt - RENEW_BEFORE_MS > Date.now()) return signIn;
    this.renewing ??= this.renew(signIn).finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(signIn: StoredSignIn): Promise<StoredSignIn | undefined> {
    const { refreshTokens, SignInError } = await import('./deviceFlow.js');
    if (!signIn.tokens.refreshToken) return this.expired(signIn, 'the identity provider gave no refresh token');
    try {
      const renewed: StoredSignIn = { ...signIn, tokens: await refreshTokens(signIn.info, signIn.tokens.refreshToken) };
      await this.save(renewed);
      this.changes.fire({ added: [], removed: [], changed: [sessionOf(renewed)] });
      return renewed;
    } catch (err) {
      if (err instanceof SignInError && err.code === 'expired') return this.expired(signIn, err.message);
      // The provider is away for a moment: keep the sign-in, the control plane says whether the token still works.
      this.log.warn(`Could not renew the sign-in to ${this.baseUrl}: ${(err as Error).message}`);
      return signIn;
    }
  }

  private async expired(signIn: StoredSignIn, why: string): Promise<undefined> {
    this.log.info(`The sign-in to ${this.baseUrl} has ended (${why}); sign in again.`);
    await this.secrets.delete(this.key);
    this.changes.fire({ added: [], removed: [sessionOf(signIn)], changed: [] });
    return undefined;
  }

  private async read(): Promise<StoredSignIn | undefined> {
    const text = await this.secrets.get(this.key);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as StoredSignIn;
    } catch {
      return undefined;
    }
  }

  private async save(signIn: StoredSignIn): Promise<void> {
    await this.secrets.store(this.key, JSON.stringify(signIn));
    this.schedule(signIn);
  }

  /** Renews ahead of expiry, so the account stays signed in while VS Code is open. */
  private schedule(signIn: StoredSignIn): void {
    this.clearTimer();
    const wait = Math.max(1_000, signIn.tokens.expiresAt - RENEW_BEFORE_MS - Date.now());
    this.timer = setTimeout(() => void this.current(), Math.min(wait, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.clearTimer();
    this.registration.dispose();
    this.changes.dispose();
    this.prompts.dispose();
  }
}

function sessionOf(s: StoredSignIn): vscode.AuthenticationSession {
  return { id: s.sessionId, accessToken: s.tokens.accessToken, account: s.account, scopes: [] };
}
