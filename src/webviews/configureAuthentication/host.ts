import * as vscode from 'vscode';
import { AddExternalKeys, type IssuedKeys } from '../../api/auth';
import type { Component } from '../../api/components';
import { FormPanel } from '../formPanel';
import type { FormNavigation } from '../navigation';
import { zodFieldErrors, type ConsumerSecretRef, type WebviewServices } from '../services';
import { configureAuthenticationProtocol, type ConfigureRef, type ConfigureToHost } from './protocol';

export class ConfigureAuthenticationPanel extends FormPanel<typeof configureAuthenticationProtocol> {
  private component: Component | undefined;
  private environmentName = '';
  private controlPlane = '';

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: ConfigureRef,
    services: WebviewServices,
    private readonly nav: FormNavigation,
  ) {
    super(panel, configureAuthenticationProtocol, services);
  }

  protected async handle(m: ConfigureToHost): Promise<void> {
    const { orgHandle, projectHandle, componentName, environment } = this.ref;
    const client = await this.services.client();
    switch (m.type) {
      case 'ready':
        return this.load();
      case 'generateKeys':
        return this.action(async () => {
          await this.issued(await client.generateKeys(orgHandle, projectHandle, componentName, environment));
        });
      case 'regenerateSecret':
        return this.action(async () => {
          const go = 'Regenerate Secret';
          const answer = await vscode.window.showWarningMessage(
            `Regenerate the secret of ${componentName} in ${this.environmentName || environment}?`,
            { modal: true, detail: 'The current secret stops working at once: apps using it get "invalid_client" until they use the new one, and the gateway refuses the tokens already issued with it.' },
            go,
          );
          if (answer !== go) return;
          await this.issued(await client.regenerateSecret(orgHandle, projectHandle, componentName, environment));
        });
      case 'addKeys':
        return this.action(async () => {
          const body = AddExternalKeys.safeParse({ identityProviderId: m.identityProviderId, clientId: m.clientId });
          if (!body.success) {
            await this.invalid(zodFieldErrors(body.error.issues));
            return;
          }
          try {
            await client.addExternalKeys(orgHandle, projectHandle, componentName, environment, body.data);
          } catch (e) {
            this.fail(e, { 'code:not_found': 'identityProviderId' });
            return;
          }
          // The built-in client of this environment is replaced: a secret kept for it would only mislead.
          const secretRef = this.secretRef();
          if (secretRef) await this.services.vault.deleteConsumerSecret(secretRef);
          await this.post({ type: 'notice', message: `Keys added: ${this.environmentName || environment} now accepts tokens of that provider for this Client ID.` });
          this.changed();
          await this.load();
        });
      case 'copySecret': {
        const ref = this.secretRef();
        const secret = ref && (await this.services.vault.getConsumerSecret(ref));
        if (!secret) {
          await this.post({
            type: 'notice',
            message: 'This VS Code holds no secret for this environment. Regenerate Secret to get a new one.',
          });
          return;
        }
        await vscode.env.clipboard.writeText(secret);
        await this.post({ type: 'notice', message: 'Secret copied to the clipboard.' });
        return;
      }
      case 'copyClientId': {
        const configs = await client.listAuthConfigurations(orgHandle, projectHandle, componentName);
        const clientId = configs.find((a) => a.environment === environment)?.clientId;
        if (clientId) {
          await vscode.env.clipboard.writeText(clientId);
          await this.post({ type: 'notice', message: 'Client ID copied to the clipboard.' });
        }
        return;
      }
      case 'addIdentityProvider':
        await vscode.commands.executeCommand('choreo.addIdentityProvider', { org: orgHandle });
        return this.load();
      case 'openOverview':
        this.nav.openOverview({ orgHandle, projectHandle, componentName });
        return;
    }
  }

  async load(): Promise<void> {
    const { orgHandle, projectHandle, componentName, environment } = this.ref;
    const c = await this.services.client();
    const [component, environments, configs, providers] = await Promise.all([
      c.getComponent(orgHandle, projectHandle, componentName),
      c.listEnvironments(orgHandle),
      c.listAuthConfigurations(orgHandle, projectHandle, componentName),
      c.listIdentityProviders(orgHandle),
    ]);
    this.controlPlane = c.baseUrl;
    const env = environments.find((e) => e.handle === environment);
    if (!env) throw Object.assign(new Error(`The organization ${orgHandle} has no environment "${environment}".`), { code: 'not_found' });
    this.component = component;
    this.environmentName = env.name;
    this.panel.title = `Configure ${env.name} · ${component.displayName || component.name}`;
    await this.post({
      type: 'data',
      component,
      environment: env,
      authConfiguration: configs.find((a) => a.environment === environment) ?? null,
      identityProviders: providers.filter((p) => p.environments === 'all' || p.environments.includes(environment)),
    });
  }

  /** The secret goes to SecretStorage first, then to the form once; the form never stores it. */
  private async issued(keys: IssuedKeys): Promise<void> {
    const client = await this.services.client();
    this.controlPlane = client.baseUrl;
    if (!this.component) {
      const { orgHandle, projectHandle, componentName } = this.ref;
      this.component = await client.getComponent(orgHandle, projectHandle, componentName);
    }
    await this.services.vault.storeConsumerSecret(this.secretRef()!, keys.clientSecret);
    await this.post({
      type: 'secretIssued',
      clientId: keys.authConfiguration.clientId,
      clientSecret: keys.clientSecret,
      tokenUrl: keys.authConfiguration.tokenUrl,
    });
    this.changed();
    await this.load();
  }

  private secretRef(): ConsumerSecretRef | undefined {
    if (!this.component) return undefined;
    return { controlPlane: this.controlPlane, componentId: this.component.id, environment: this.ref.environment };
  }

  private changed(): void {
    const { orgHandle, projectHandle, componentName } = this.ref;
    this.nav.componentChanged({ orgHandle, projectHandle, componentName });
    if (this.component) this.services.onComponentChanged?.(this.component);
  }
}
