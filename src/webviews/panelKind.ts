import * as vscode from 'vscode';
import type { z } from 'zod';
import type { AnyProtocol, FormPanel } from './formPanel';
import { renderFormPage } from './html';
import type { WebviewServices } from './services';

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
