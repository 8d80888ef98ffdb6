// Composition root: builds the services (vault, control-plane connection, tree, status bar), registers the view and
// the commands, and returns the API the integration tests use. Nothing heavy loads here: the client (undici, zod)
// and each command's file load on first use, and the control plane is found or started after activate() returns.
import * as vscode from 'vscode';
import { ControlPlaneError } from './client/errors';
import type { CommandContext } from './commands/commandContext';
import { disposeReadOnlyDocuments } from './commands/readOnlyDocuments';
import { commandLoaders, registerCommands } from './commands/registry';
import { CommandFailures } from './commands/runCommand';
import { ControlPlaneConnection, readSettings, type ConnectionSettings } from './lifecycle/controlPlaneConnection';
import { ControlPlaneStatusBar } from './lifecycle/statusBar';
import { CredentialVault } from './secrets/credentialVault';
import { TeamSignIns } from './auth/teamSignIns';
import { ResourcesTreeProvider, type ViewState } from './tree/resourcesTreeProvider';
import { registerWebviews } from './webviews';

/** What activate() returns: for tests, and for the webview forms to swap the Overview in. */
export interface ChoreoApi {
  readonly tree: ResourcesTreeProvider;
  readonly vault: CredentialVault;
  readonly connection: ControlPlaneConnection;
  readonly failures: CommandFailures;
  readonly viewState: ViewState | undefined;
  readonly commandIds: readonly string[];
  /** The status-bar item's text and tooltip as shown: which control plane is in use and whether it is healthy. */
  readonly statusBar: { readonly text: string; readonly tooltip: string };
  /** The team sign-in ("Choreo (host)" in the Accounts menu). */
  readonly signIns: TeamSignIns;
  /** Where the extension could keep state and logs, so tests can check no secret landed there. */
  readonly storage: { globalState: vscode.Memento; workspaceState: vscode.Memento; logUri: vscode.Uri };
}

let teardown: (() => void) | undefined;

export function activate(context: vscode.ExtensionContext): ChoreoApi {
  const activateStarted = performance.now();
  const log = vscode.window.createOutputChannel('Choreo', { log: true });
  const vault = new CredentialVault(context.secrets);
  const failures = new CommandFailures();
  const statusBar = new ControlPlaneStatusBar();
  const storageDir = context.globalStorageUri.fsPath;

  let settings: ConnectionSettings = readSettings();
  const signIns = new TeamSignIns(context.secrets, log);
  let connection = new ControlPlaneConnection(settings, storageDir, context.extensionPath, vault, log, signIns);
  let viewState: ViewState | undefined;
  let view: vscode.TreeView<unknown> | undefined;

  const setViewState = (state: ViewState, message?: string) => {
    if (view) view.message = state === 'unreachable' ? (message ?? connection.lastError) : undefined;
    if (state === viewState) return;
    viewState = state;
    void vscode.commands.executeCommand('setContext', 'choreo.state', state);
  };

  const readyClient = async () => {
    if (connection.state !== 'ready') await connection.ready();
    if (connection.state !== 'ready') {
      throw new ControlPlaneError('unreachable', connection.lastError ?? `The control plane at ${connection.baseUrl} cannot be reached.`);
    }
    return connection.client();
  };

  const tree = new ResourcesTreeProvider({ client: readyClient, setViewState });
  view = vscode.window.createTreeView('choreo.resources', { treeDataProvider: tree, showCollapseAll: true });

  let connectionEvents: vscode.Disposable[] = [];
  const follow = (c: ControlPlaneConnection) => {
    connectionEvents.forEach((d) => d.dispose());
    let previous = c.state;
    connectionEvents = [
      c.onDidRestart(() => tree.refresh()),
      c.onDidChangeState((state) => {
        if (state === 'starting' || state === 'unreachable') setViewState(state, c.lastError);
        else if (previous === 'unreachable') tree.refresh();
        previous = state;
      }),
    ];
    statusBar.follow(c);
    void vscode.commands.executeCommand('setContext', 'choreo.remote', c.kind === 'remote');
    setViewState('starting');
    // After activate() returns: finding or starting the control plane must not hold up the window.
    setTimeout(() => {
      void c.ready();
      c.startWatchdog();
    }, 0);
  };
  follow(connection);

  // After a form creates or changes a component: reload its project and select the component's row, so the tree
  // shows what was just made instead of staying collapsed.
  const showComponent = async (c: { orgHandle: string; projectHandle: string; name: string }) => {
    tree.refreshById(`project:${c.orgHandle}/${c.projectHandle}`);
    if (!view?.visible) return;
    const node = await tree
      .resolvePath([`org:${c.orgHandle}`, `project:${c.orgHandle}/${c.projectHandle}`, `component:${c.orgHandle}/${c.projectHandle}/${c.name}`])
      .catch(() => undefined);
    if (node) await view.reveal(node, { select: true, focus: false, expand: false });
  };

  // The webview forms: the Overview, and the forms the create/configure commands open.
  const forms = registerWebviews(context, {
    client: readyClient,
    vault,
    log,
    onComponentChanged: (c) => void showComponent(c),
  });

  const ctx: CommandContext = {
    get connection() {
      return connection;
    },
    client: readyClient,
    vault,
    signIns,
    tree,
    log,
    overview: { open: (component) => forms.openOverview(component) },
    forms,
    showComponent,
    async reconnect() {
      const next = readSettings();
      if (next.remoteUrl === settings.remoteUrl && next.localPort === settings.localPort) {
        // Already switched (the settings-change handler got here first): still resolve only once it is connected,
        // so a caller such as Switch Control Plane returns with the new control plane ready.
        await connection.ready();
        return;
      }
      settings = next;
      connection.dispose();
      connection = new ControlPlaneConnection(settings, storageDir, context.extensionPath, vault, log, signIns);
      follow(connection);
      await connection.ready();
      tree.refresh();
    },
  };


  context.subscriptions.push(
    log,
    signIns,
    view,
    tree,
    statusBar,
    failures,
    ...registerCommands(ctx, failures),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('choreo.controlPlane')) void ctx.reconnect();
    }),
  );
  log.info(`activate() took ${(performance.now() - activateStarted).toFixed(1)} ms`);
  teardown = () => {
    connectionEvents.forEach((d) => d.dispose());
    connection.dispose();
    disposeReadOnlyDocuments();
  };

  return {
    tree,
    vault,
    signIns,
    get connection() {
      return connection;
    },
    failures,
    get viewState() {
      return viewState;
    },
    commandIds: Object.keys(commandLoaders),
    get statusBar() {
      return statusBar.shown;
    },
    storage: { globalState: context.globalState, workspaceState: context.workspaceState, logUri: context.logUri },
  };
}

/** The local control plane keeps running: other windows and the user's running app use its token URL and gateway. */
export function deactivate(): void {
  teardown?.();
}
