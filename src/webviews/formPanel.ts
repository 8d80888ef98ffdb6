/**
 * The extension side of a form: one webview panel speaking one protocol. Every received message is parsed with the
 * protocol's zod schema before anything is done with it; every sent message is checked the same way, so a bug on
 * this side shows in the log instead of as a confused form.
 */
// Type-only use of `vscode`: the message handling runs (and is unit-tested) in plain Node.
import type * as vscode from 'vscode';
import { parseMessage, type AnyProtocol, type MessageToHost as ToHost, type MessageToWebview as ToWebview } from './ipc';
import { toFormError, type WebviewServices } from './services';

export type { AnyProtocol } from './ipc';

export abstract class FormPanel<P extends AnyProtocol> implements vscode.Disposable {
  private working = false;
  protected readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly protocol: P,
    protected readonly services: WebviewServices,
  ) {
    this.disposables.push(panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
  }

  /** Acts on one message that already passed the protocol's schema. */
  protected abstract handle(message: ToHost<P>): Promise<void>;

  async receive(raw: unknown): Promise<void> {
    const parsed = parseMessage(this.protocol.toHost, raw);
    if (!parsed.ok) {
      this.services.log.warn(`${this.protocol.viewType}: refused a malformed message (${parsed.code}): ${parsed.reason}`);
      return;
    }
    try {
      await this.handle(parsed.message as ToHost<P>);
    } catch (e) {
      this.fail(e);
    }
  }

  post(message: ToWebview<P>): Thenable<boolean> {
    const checked = parseMessage(this.protocol.toWebview, message);
    if (!checked.ok) {
      this.services.log.error(`${this.protocol.viewType}: did not send a message that breaks the protocol: ${checked.reason}`);
      return Promise.resolve(false);
    }
    return this.panel.webview.postMessage(checked.message);
  }

  /** Runs one user action at a time, with the form's buttons disabled meanwhile; a second click is ignored. */
  protected async action(job: () => Promise<void>): Promise<void> {
    if (this.working) return;
    this.working = true;
    await this.post({ type: 'busy', busy: true } as ToWebview<P>);
    try {
      await job();
    } catch (e) {
      this.fail(e);
    } finally {
      this.working = false;
      await this.post({ type: 'busy', busy: false } as ToWebview<P>);
    }
  }

  /** The request broke the API's rules: the form marks the fields named. */
  protected async invalid(fields: Record<string, string>): Promise<void> {
    await this.post({ type: 'formError', code: 'validation_failed', message: 'Check the fields marked below.', fields } as ToWebview<P>);
  }

  /** The control plane refused a request the user can fix: a warning in the log, the answer on the form's fields. */
  protected async refused(action: string, e: unknown, fieldFor: Partial<Record<string, string>>): Promise<void> {
    const error = toFormError(e, fieldFor);
    this.services.log.warn(`${action}: ${error.code}: ${error.message}`);
    await this.post(error as ToWebview<P>);
  }

  protected fail(e: unknown, fieldFor?: Partial<Record<string, string>>): void {
    const error = toFormError(e, fieldFor);
    this.services.log.error(`${this.protocol.viewType}: ${error.code}: ${error.message}`);
    void this.post(error as ToWebview<P>);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
