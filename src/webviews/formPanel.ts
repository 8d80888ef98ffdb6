/**
 * The extension side of a form: one webview panel speaking one protocol. Every received message is parsed with the
 * protocol's zod schema before anything is done with it; every sent message is checked the same way, so a bug on
 * this side shows in the log instead of as a confused form. The form's actions run the use cases of src/useCases.
 */
// Type-only use of `vscode`: the message handling runs (and is unit-tested) in plain Node.
import type * as vscode from 'vscode';
import { isControlPlaneError } from '../client/errors';
import type { Change, UseCaseContext } from '../useCases/context';
import { Cancelled, UseCaseError } from '../useCases/errors';
import { toFormError, type FieldFor } from './formErrors';
import { parseMessage, type AnyProtocol, type MessageToHost as ToHost, type MessageToWebview as ToWebview } from './ipc';

export type { AnyProtocol } from './ipc';

export abstract class FormPanel<P extends AnyProtocol> implements vscode.Disposable {
  private working = false;
  /** Set once the panel is closed: nothing is posted to it after (VS Code throws "Webview is disposed"). */
  private closed = false;
  protected readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly protocol: P,
    protected readonly ctx: UseCaseContext,
  ) {
    this.disposables.push(panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
  }

  /**
   * Reloads the panel when a change concerns it: at once while it is visible, else once it is shown again (a hidden
   * panel does not fetch for nothing).
   */
  protected reloadOn(changes: vscode.Event<Change>, concerns: (change: Change) => boolean, reload: () => Promise<void>): void {
    let stale = false;
    const run = () => {
      stale = false;
      void reload().catch((e) => this.fail(e));
    };
    this.disposables.push(
      changes((change) => {
        if (!concerns(change)) return;
        if (this.panel.visible) run();
        else stale = true;
      }),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible && stale) run();
      }),
    );
  }

  /** Acts on one message that already passed the protocol's schema. */
  protected abstract handle(message: ToHost<P>): Promise<void>;

  async receive(raw: unknown): Promise<void> {
    const parsed = parseMessage(this.protocol.toHost, raw);
    if (!parsed.ok) {
      this.ctx.log.warn(`${this.protocol.viewType}: refused a malformed message (${parsed.code}): ${parsed.reason}`);
      return;
    }
    try {
      await this.handle(parsed.message as ToHost<P>);
    } catch (e) {
      await this.fail(e);
    }
  }

  post(message: ToWebview<P>): Thenable<boolean> {
    if (this.closed) return Promise.resolve(false);
    const checked = parseMessage(this.protocol.toWebview, message);
    if (!checked.ok) {
      this.ctx.log.error(`${this.protocol.viewType}: did not send a message that breaks the protocol: ${checked.reason}`);
      return Promise.resolve(false);
    }
    return this.panel.webview.postMessage(checked.message);
  }

  /**
   * Runs one user action at a time, with the form's buttons disabled meanwhile; a second click is ignored. What the
   * action throws lands on the form, on the fields `fieldFor` names.
   */
  protected async action(job: () => Promise<void>, fieldFor?: FieldFor): Promise<void> {
    if (this.working) return;
    this.working = true;
    await this.post({ type: 'busy', busy: true } as ToWebview<P>);
    try {
      await job();
    } catch (e) {
      await this.fail(e, fieldFor);
    } finally {
      this.working = false;
      await this.post({ type: 'busy', busy: false } as ToWebview<P>);
    }
  }

  /** A refusal the user can fix is a warning in the log; anything else an error. Either way the form shows it. */
  protected async fail(e: unknown, fieldFor?: FieldFor): Promise<void> {
    if (e instanceof Cancelled) return;
    const error = toFormError(e, fieldFor);
    const fixable = e instanceof UseCaseError || (isControlPlaneError(e) && !e.retryable);
    const line = `${this.protocol.viewType}: ${error.code}: ${(e as Error)?.message ?? error.message}`;
    if (fixable) this.ctx.log.warn(line);
    else this.ctx.log.error(line);
    await this.post(error as ToWebview<P>);
  }

  /** Closes the panel (the form is done). */
  close(): void {
    this.closed = true;
    this.panel.dispose();
  }

  dispose(): void {
    this.closed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
