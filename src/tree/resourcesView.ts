/**
 * The Choreo view as the window shows it: the tree view, its welcome state (context key `choreo.state`) and message,
 * and what a change does to it: the rows it touches reload, and a component just created is selected.
 */
import * as vscode from 'vscode';
import type { ControlPlaneClient } from '../client/controlPlaneClient';
import type { Change } from '../useCases/context';
import { nodeIds } from './nodeIds';
import { ResourcesTreeProvider, type ViewState } from './resourcesTreeProvider';

export class ResourcesView implements vscode.Disposable {
  readonly tree: ResourcesTreeProvider;
  private readonly view: vscode.TreeView<unknown>;
  private current: ViewState | undefined;

  constructor(
    client: () => Promise<ControlPlaneClient>,
    /** Why the control plane cannot be reached, for the view's message. */
    private readonly lastError: () => string | undefined,
    /** The user stopped the local control plane: the view shows Start rather than "cannot be reached". */
    private readonly stopped: () => boolean = () => false,
  ) {
    this.tree = new ResourcesTreeProvider({ client, setViewState: (state, message) => this.setState(state, message) });
    this.view = vscode.window.createTreeView('choreo.resources', { treeDataProvider: this.tree, showCollapseAll: true });
  }

  get state(): ViewState | undefined {
    return this.current;
  }

  setState(state: ViewState, message?: string): void {
    if (state === 'unreachable' && this.stopped()) state = 'stopped';
    this.view.message = state === 'unreachable' ? (message ?? this.lastError()) : undefined;
    if (state === this.current) return;
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'choreo.state', state);
  }

  /** Reloads what a change touched; a component just created is selected, so the tree shows what was made. */
  async changed(change: Change): Promise<void> {
    this.tree.refreshFor(change);
    const { orgHandle: org, projectHandle: project, componentName: component } = change;
    if (!change.created || !org || !project || !component || !this.view.visible) return;
    const node = await this.tree
      .resolvePath([nodeIds.org(org), nodeIds.project(org, project), nodeIds.component(org, project, component)])
      .catch(() => undefined);
    if (node) await this.view.reveal(node, { select: true, focus: false, expand: false });
  }

  dispose(): void {
    this.view.dispose();
    this.tree.dispose();
  }
}
