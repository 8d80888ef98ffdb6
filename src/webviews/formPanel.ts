/**
 * The extension side of a form: one webview panel speaking one protocol. Every received message is parsed with the
 * protocol's zod schema before anything is done with it; every sent message is checked the same way, so a bug on
 * this side shows in the log instead of as a confused form.
 */
import * as vscode from 'vscode';
import type { z } from 'zod';
import { renderFormPage } from './html';
import { parseMessage, type Protocol } from './ipc';
import { toFormError, type WebviewServices } from './services';

type AnyProtocol = Protocol<z.ZodType, z.ZodType, z.ZodType>;
type ToHost<P extends AnyProtocol> = z.infer<P['toHost']>;
type ToWebview<P extends AnyProtocol> = z.infer<P['toWebview']>;

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

  protected fail(e: unknown, fieldFor?: Partial<Record<string, string>>): void {
    const error = toFormError(e, fieldFor);
    this.services.log.error(`${this.protocol.viewType}: ${error.code}: ${error.message}`);
    void this.post(error as ToWebview<P>);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export interface PanelKindOptions<Ref, Host extends FormPanel<AnyProtocol>> {
  protocol: AnyProtocol;
  extensionUri: vscode.Uri;
  log: WebviewServices['log'];
  /** The resource a panel is about, checked again when a reload hands back the saved state. */
  refSchema: z.ZodType<Ref>;
  key(ref: Ref): string;
  title(ref: Ref): string;
  create(panel: vscode.WebviewPanel, ref: Ref): Host;
}

/** All panels of one form: one per resource (a second open reveals it), and their restore after a reload. */
export class PanelKind<Ref, Host extends FormPanel<AnyProtocol>> implements vscode.WebviewPanelSerializer {
  private readonly open = new Map<string, Host>();

  constructor(private readonly o: PanelKindOptions<Ref, Host>) {}

  get viewType(): string {
    return this.o.protocol.viewType;
  }

  /** Opens the panel of this resource, or reveals it when it is already open. */
  show(ref: Ref, column: vscode.ViewColumn = vscode.ViewColumn.Active): Host {
    const existing = this.open.get(this.o.key(ref));
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, this.o.title(ref), column, this.webviewOptions());
    return this.adopt(panel, ref);
  }

  get(ref: Ref): Host | undefined {
    return this.open.get(this.o.key(ref));
  }

  all(): Host[] {
    return [...this.open.values()];
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const ref = this.o.refSchema.safeParse((state as { ref?: unknown } | undefined)?.ref);
    if (!ref.success || this.open.has(this.o.key(ref.data))) {
      this.o.log.warn(`${this.viewType}: closed a restored panel whose saved state names no resource, or one already open.`);
      panel.dispose();
      return;
    }
    this.adopt(panel, ref.data);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.o.extensionUri, 'dist', 'webview')],
    };
  }

  private adopt(panel: vscode.WebviewPanel, ref: Ref): Host {
    const key = this.o.key(ref);
    panel.webview.options = this.webviewOptions();
    panel.title = this.o.title(ref);
    const root = vscode.Uri.joinPath(this.o.extensionUri, 'dist', 'webview');
    panel.webview.html = renderFormPage({
      cspSource: panel.webview.cspSource,
      asset: (file) => panel.webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString(),
      bundle: this.viewType.replace(/^choreo\./, ''),
      title: panel.title,
      ref,
    });
    const host = this.o.create(panel, ref);
    this.open.set(key, host);
    panel.onDidDispose(() => {
      if (this.open.get(key) === host) this.open.delete(key);
      host.dispose();
    });
    return host;
  }
}
