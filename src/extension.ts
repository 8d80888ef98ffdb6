// Composition root: builds the services (vault, control-plane session, view, status bar, forms, the use cases'
// context), registers the commands, and returns the API the integration tests use. Nothing heavy loads here: the
// client (zod) and each command's file load on first use, and the control plane is found or started after
// activate() returns.
// First: the localised strings, before any module's top level runs (see localisation.ts).
import './localisation';
import * as vscode from 'vscode';
import type { CommandContext } from './commands/commandContext';
import { quickInput } from './commands/prompts';
import { disposeReadOnlyDocuments } from './commands/readOnlyDocuments';
import { commandLoaders, registerCommands } from './commands/registry';
import { CommandFailures, reportFailure } from './commands/runCommand';
import { Cancelled } from './useCases/errors';
import { registerDebugAttribute } from './launch/register';
import type { ControlPlaneConnection } from './lifecycle/controlPlaneConnection';
import { ControlPlaneSession } from './lifecycle/controlPlaneSession';
import { ControlPlaneStatusBar } from './lifecycle/statusBar';
import { EditorLoader } from './editor/loader';
import { CredentialVault } from './secrets/credentialVault';
import type { ResourcesTreeProvider, ViewState } from './tree/resourcesTreeProvider';
import { ResourcesView } from './tree/resourcesView';
import type { Change, UseCaseContext } from './useCases/context';
import { TeamSignIns } from './auth/teamSignIns';
import { registerWebviews } from './webviews';

/** What activate() returns: for tests. */
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

  const signIns = new TeamSignIns(context.secrets, log);
  const view = new ResourcesView(
    () => session.client(),
    () => session.connection.lastError,
    () => session.connection.state === 'stopped',
  );
  const session: ControlPlaneSession = new ControlPlaneSession(
    context.globalStorageUri.fsPath,
    context.extensionPath,
    vault,
    log,
    statusBar,
    {
      onDidReturn: () => view.tree.refresh(),
      onDidChangeState: (state, error) => view.setState(state, error),
    },
    signIns,
  );

  const changed = (change: Change) => {
    void view.changed(change);
    forms.changed(change);
    editor.changed(change);
  };
  const useCases: UseCaseContext = { client: () => session.client(), vault, log, ui: quickInput, changed, workspaceTrusted: () => vscode.workspace.isTrusted };
  // Completion, hover and checks of CHOREO_* names: loaded only for a folder linked to a consumer.
  const editor = new EditorLoader({ useCases });
  const forms = registerWebviews(context, useCases);
  const ctx: CommandContext = {
    ...useCases,
    vault,
    signIns,
    log,
    get connection() {
      return session.connection;
    },
    tree: view.tree,
    forms,
    reconnect: () => session.reconnect(),
  };

  context.subscriptions.push(
    log,
    signIns,
    view,
    statusBar,
    failures,
    session,
    editor,
    ...registerCommands(ctx, failures),
    // The `choreo` launch attribute: a stub here; the resolver loads with the first launch that carries it.
    registerDebugAttribute(useCases, (e) => e instanceof Cancelled || reportFailure('choreo.launch', e, ctx, failures)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('choreo.controlPlane')) void session.reconnect();
    }),
  );
  log.info(`activate() took ${(performance.now() - activateStarted).toFixed(1)} ms`);
  teardown = () => disposeReadOnlyDocuments();

  return {
    tree: view.tree,
    vault,
    signIns,
    get connection() {
      return session.connection;
    },
    failures,
    get viewState() {
      return view.state;
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
