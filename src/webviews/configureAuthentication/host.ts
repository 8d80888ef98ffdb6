import * as vscode from 'vscode';
import { issuerUrl, type IssuedKeys, type KeySettingsInput } from '../../api';
import type { UseCaseContext } from '../../useCases/context';
import { saveKeySettings } from '../../useCases/keySettings';
import { addKeys, generateKeys, regenerateSecret, storedSecret } from '../../useCases/keys';
import { componentTargetOf, type EnvironmentTarget } from '../../useCases/targets';
import { FormPanel } from '../formPanel';
import { touches, type FormNavigation } from '../navigation';
import type { EnvironmentRef } from '../../api/refs';
import { configureAuthenticationProtocol, type ConfigureData, type ConfigureToHost, type KeySettingsDraft } from './protocol';

/**
 * The draft as the API takes it (KeySettings trims the URLs itself). An expiry time that is not whole seconds as typed goes as 0.5, so the API's own rule
 * says what is wrong with it ("…: enter whole seconds.") under its field.
 */
export function keySettingsInput(draft: KeySettingsDraft): KeySettingsInput {
  const seconds = (typed: string) => (/^\s*\d{1,9}\s*$/.test(typed) ? Number(typed) : 0.5);
  return {
    ...draft,
    expiry: {
      applicationAccessToken: seconds(draft.expiry.applicationAccessToken),
      userAccessToken: seconds(draft.expiry.userAccessToken),
      refreshToken: seconds(draft.expiry.refreshToken),
      idToken: seconds(draft.expiry.idToken),
    },
  };
}

/** A key-settings field of the form by the API's path (`body.callbackUrls.1` → `callbackUrls.1`). */
export function keySettingsField(pathOrCode: string): string | undefined {
  if (pathOrCode.startsWith('code:')) return undefined;
  return pathOrCode.replace(/^(body\.)?(keySettings\.)?/, '') || undefined;
}

export class ConfigureAuthenticationPanel extends FormPanel<typeof configureAuthenticationProtocol> {
  /** The environment as last loaded: the use cases act on it. */
  private env: EnvironmentTarget | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: EnvironmentRef,
    ctx: UseCaseContext,
    private readonly nav: FormNavigation,
    /** Run once the form is up: the Overview's Generate Keys lands here to show the secret once. */
    private pending?: 'generateKeys',
  ) {
    super(panel, configureAuthenticationProtocol, ctx);
    // A provider added in the Add Identity Provider form (an organization-wide change) appears here at once.
    this.disposables.push(nav.onDidChange((change) => touches(change, ref, true) && void this.load().catch((e) => this.fail(e))));
  }

  protected async handle(m: ConfigureToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        await this.load();
        const pending = this.pending;
        this.pending = undefined;
        if (pending === 'generateKeys' && !this.env?.auth) return this.action(async () => this.issued(await generateKeys(this.ctx, await this.target())));
        return;
      }
      case 'generateKeys':
        return this.action(async () => this.issued(await generateKeys(this.ctx, await this.target())));
      case 'regenerateSecret':
        return this.action(async () => this.issued(await regenerateSecret(this.ctx, await this.target())));
      case 'addKeys':
        return this.action(
          async () => {
            await addKeys(this.ctx, await this.target(), { identityProviderId: m.identityProviderId, clientId: m.clientId });
            await this.post({
              type: 'notice',
              message: vscode.l10n.t(
                'Keys added: {0} now accepts tokens of that provider for this Client ID.',
                this.env?.environmentName ?? this.ref.environment,
              ),
            });
          },
          { 'code:not_found': 'identityProviderId' },
        );
      case 'copySecret': {
        const secret = await storedSecret(this.ctx, await this.target());
        if (!secret) {
          await this.post({ type: 'notice', message: vscode.l10n.t('This VS Code holds no secret for this environment. Regenerate Secret to get a new one.') });
          return;
        }
        await vscode.env.clipboard.writeText(secret);
        await this.post({ type: 'notice', message: vscode.l10n.t('Secret copied to the clipboard.') });
        return;
      }
      case 'copyClientId': {
        const clientId = (await this.target()).auth?.clientId;
        if (clientId) {
          await vscode.env.clipboard.writeText(clientId);
          await this.post({ type: 'notice', message: vscode.l10n.t('Client ID copied to the clipboard.') });
        }
        return;
      }
      case 'saveKeySettings':
        return this.action(async () => {
          await saveKeySettings(this.ctx, await this.target(), keySettingsInput(m.settings));
          await this.post({ type: 'keySettingsSaved' });
          await this.load();
          await this.post({
            type: 'notice',
            message: vscode.l10n.t('Key settings saved: they apply to the next sign-in and token in {0}.', this.env?.environmentName ?? this.ref.environment),
          });
        }, keySettingsField);
      case 'addIdentityProvider':
        this.nav.openAddIdentityProvider({ orgHandle: this.ref.orgHandle });
        return;
      case 'openOverview':
        this.nav.openOverview({ orgHandle: this.ref.orgHandle, projectHandle: this.ref.projectHandle, componentName: this.ref.componentName });
        return;
    }
  }

  /** The environment with its keys as they are now (another window or the tree may have changed them). */
  private async target(): Promise<EnvironmentTarget> {
    await this.load(false);
    return this.env!;
  }

  async load(post = true): Promise<void> {
    const { orgHandle: org, projectHandle: project, componentName: component } = this.ref;
    const c = await this.ctx.client();
    const [consumer, environments, configs, providers] = await Promise.all([
      c.getComponent(org, project, component),
      c.listEnvironments(org),
      c.listAuthConfigurations(org, project, component),
      c.listIdentityProviders(org),
    ]);
    const env = environments.find((e) => e.handle === this.ref.environment);
    if (!env) throw Object.assign(new Error(vscode.l10n.t('The organization {0} has no environment "{1}".', org, this.ref.environment)), { code: 'not_found' });
    const auth = configs.find((a) => a.environment === env.handle);
    this.env = { ...componentTargetOf(consumer), environment: env.handle, environmentName: env.name, auth };
    if (!post) return;
    this.panel.title = vscode.l10n.t('Configure {0} · {1}', env.name, consumer.displayName || consumer.name);
    const data: ConfigureData = {
      type: 'data',
      component: consumer,
      environment: env,
      authConfiguration: auth ?? null,
      identityProviders: providers.filter((p) => p.environments === 'all' || p.environments.includes(env.handle)),
      issuer: providers.find((p) => p.kind === 'built-in')?.issuer ?? issuerUrl(c.baseUrl, org),
    };
    await this.post(data);
  }

  /** The secret is in SecretStorage already (the use case put it there); the form shows it once and never stores it. */
  private async issued(keys: IssuedKeys): Promise<void> {
    await this.post({
      type: 'secretIssued',
      clientId: keys.authConfiguration.clientId,
      clientSecret: keys.clientSecret,
      tokenUrl: keys.authConfiguration.tokenUrl,
    });
  }
}
