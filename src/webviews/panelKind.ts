import * as vscode from 'vscode';
import type { z } from 'zod';
import type { AnyProtocol, FormPanel } from './formPanel';
import { renderFormPage } from './html';

export interface PanelKindOptions<Ref, Host extends FormPanel<AnyProtocol>> {
  protocol: AnyProtocol;
  extensionUri: vscode.Uri;
  log: Pick<vscode.LogOutputChannel, 'warn'>;
  /** The resource a panel is about, checked again when a reload hands back the saved state. */
  refSchema: z.ZodType<Ref>;
  /** The panel's slot: one panel per key (for the consumer's forms, the consumer). */
  key(ref: Ref): string;
  title(ref: Ref): string;
  create(panel: vscode.WebviewPanel, ref: Ref): Host;
}

/** All panels of one form: one per key (a second open reveals it, or re-targets it), and their restore after a reload. */
export class PanelKind<Ref, Host extends FormPanel<AnyProtocol>> implements vscode.WebviewPanelSerializer {
  private readonly open = new Map<string, { ref: Ref; host: Host }>();

  constructor(private readonly o: PanelKindOptions<Ref, Host>) {}

  get viewType(): string {
    return this.o.protocol.viewType;
  }

  /** Opens the panel of this resource, or reveals it when it is already open for the same ref. */
  show(ref: Ref, column: vscode.ViewColumn = vscode.ViewColumn.Active): Host {
    const key = this.o.key(ref);
    const existing = this.open.get(key);
    if (existing && JSON.stringify(existing.ref) === JSON.stringify(ref)) {
      existing.host.panel.reveal(column);
      return existing.host;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, this.o.title(ref), column, this.webviewOptions());
    existing?.host.close();
    return this.adopt(panel, ref);
  }

  /** The open panel in this slot, if any. */
  panelAt(key: string): vscode.WebviewPanel | undefined {
    return this.open.get(key)?.host.panel;
  }

  /** Closes the panel in this slot, if any. */
  closeAt(key: string): void {
    this.open.get(key)?.host.close();
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
      language: vscode.env.language,
      strings: vscode.l10n.bundle,
    });
    const host = this.o.create(panel, ref);
    this.open.set(key, { ref, host });
    panel.onDidDispose(() => {
      if (this.open.get(key)?.host === host) this.open.delete(key);
      host.dispose();
    });
    return host;
  }
}
