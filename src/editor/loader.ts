/**
 * Activation's only part of the editor features: it looks (after activate() returns) for a folder linked to an
 * external consumer or holding a component.yaml, and only then loads the rest (src/editor/index.ts, its own bundle
 * part). A link written later (Write .env, Insert Snippet, Link Workspace) loads it too. In Restricted Mode nothing
 * loads until the user trusts the folder (the features read its files and ask the control plane about them).
 */
import * as vscode from 'vscode';
import type { Change } from '../useCases/context';
import type { EditorDeps, EditorFeatures } from './index';

const MARKERS = ['.choreo/consumer.json', '.choreo/component.yaml', '.choreo/component.yml'];

export class EditorLoader implements vscode.Disposable {
  private features: Promise<EditorFeatures> | undefined;
  // `.choreo` itself too: a folder that arrives whole (git pull, a copy) may be reported as the folder alone.
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.choreo{,/**}', false, true, true);

  constructor(private readonly deps: EditorDeps) {
    this.watcher.onDidCreate(() => void this.startIfLinked().then(() => this.features?.then((f) => f.reloadLinks())));
    this.trust = vscode.workspace.onDidGrantWorkspaceTrust(() => void this.startIfLinked());
    setTimeout(() => void this.startIfLinked(), 0);
  }

  private readonly trust: vscode.Disposable;

  /** The editor features, loading them if they are not yet. */
  start(): Promise<EditorFeatures> {
    this.features ??= import('./index.js').then((m) => m.startEditorFeatures(this.deps));
    return this.features;
  }

  private async startIfLinked(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const marker of MARKERS) {
        try {
          await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, marker));
          await this.start();
          return;
        } catch {
          /* not there */
        }
      }
    }
  }

  changed(change: Change): void {
    void this.features?.then((f) => f.changed(change));
  }

  dispose(): void {
    this.trust.dispose();
    this.watcher.dispose();
    void this.features?.then((f) => f.dispose());
  }
}
