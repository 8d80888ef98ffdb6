/**
 * Read-only virtual documents (`choreo-info:` URIs): the reports of Get Test Token, Test Connection and Show Audit Log.
 * Their content lives only in memory; the Get Test Token report never holds a token or a secret.
 */
import * as vscode from 'vscode';

const SCHEME = 'choreo-info';

class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
  set(uri: vscode.Uri, content: string): void {
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
  }
}

let provider: ReadOnlyDocuments | undefined;
let registration: vscode.Disposable | undefined;

/** Shows markdown in a read-only editor tab named `name`; showing the same name again updates that tab. */
export async function showReadOnlyMarkdown(name: string, markdown: string): Promise<vscode.TextEditor> {
  if (!provider) {
    provider = new ReadOnlyDocuments();
    registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider);
  }
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name.replace(/[\\/]/g, '-')}.md` });
  provider.set(uri, markdown);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: true });
}

export function disposeReadOnlyDocuments(): void {
  registration?.dispose();
  registration = provider = undefined;
}
