/** The one "Choreo (host)" authentication provider VS Code can hold at a time (its id is fixed in package.json): the
 * one for the team control plane in use, or for the one being signed in to. */
import * as vscode from 'vscode';
import { ChoreoAuthenticationProvider, type UserCodePrompt } from './choreoAuthenticationProvider';

export class TeamSignIns implements vscode.Disposable {
  private provider: ChoreoAuthenticationProvider | undefined;
  private forwarding: vscode.Disposable | undefined;
  private readonly prompts = new vscode.EventEmitter<UserCodePrompt & { baseUrl: string }>();
  /** A sign-in shows its user code (tests enter it on the identity provider's page, as a person would). */
  readonly onDidPromptUserCode = this.prompts.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The provider for this control plane, registered in place of any other. */
  for(baseUrl: string): ChoreoAuthenticationProvider {
    if (this.provider?.baseUrl !== baseUrl) {
      this.forwarding?.dispose();
      this.provider?.dispose();
      const provider = new ChoreoAuthenticationProvider(baseUrl, this.secrets, this.log);
      this.forwarding = provider.onDidPromptUserCode((p) => this.prompts.fire({ ...p, baseUrl }));
      this.provider = provider;
    }
    return this.provider;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.provider?.dispose();
    this.prompts.dispose();
  }
}
