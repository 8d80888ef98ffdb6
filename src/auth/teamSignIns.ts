/** The one "Choreo (host)" authentication provider VS Code can hold at a time (its id is fixed in package.json): the
 * one for the team control plane in use, or for the one being signed in to. The provider loads with the client
 * (dist/client.js), on first use: the local control plane never needs it. */
import * as vscode from 'vscode';
import type { ChoreoAuthenticationProvider, UserCodePrompt } from './choreoAuthenticationProvider';

export class TeamSignIns implements vscode.Disposable {
  private provider: Promise<ChoreoAuthenticationProvider> | undefined;
  private providerUrl: string | undefined;
  private forwarding: vscode.Disposable | undefined;
  private readonly prompts = new vscode.EventEmitter<UserCodePrompt & { baseUrl: string }>();
  /** A sign-in shows its user code (tests enter it on the identity provider's page, as a person would). */
  readonly onDidPromptUserCode = this.prompts.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The provider for this control plane, registered in place of any other. */
  for(baseUrl: string): Promise<ChoreoAuthenticationProvider> {
    if (this.providerUrl !== baseUrl || !this.provider) {
      const previous = this.provider;
      this.providerUrl = baseUrl;
      this.provider = (async () => {
        (await previous)?.dispose();
        this.forwarding?.dispose();
        const { ChoreoAuthenticationProvider } = await import('./choreoAuthenticationProvider.js');
        const provider = new ChoreoAuthenticationProvider(baseUrl, this.secrets, this.log);
        this.forwarding = provider.onDidPromptUserCode((p) => this.prompts.fire({ ...p, baseUrl }));
        return provider;
      })();
    }
    return this.provider;
  }

  dispose(): void {
    this.forwarding?.dispose();
    void this.provider?.then((p) => p.dispose());
    this.prompts.dispose();
  }
}
