/**
 * The one wrapper every command runs through: a thrown error becomes a message a person can act on (with Retry
 * and Show Logs where they help) and one line in the log. Messages never carry request bodies or secrets.
 */
import * as vscode from 'vscode';
import type { ResourceUse } from '../api/common';
import { isControlPlaneError } from '../client/errors';
import { Cancelled, CommandError, type Command, type CommandContext } from './commandContext';

export interface CommandFailure {
  command: string;
  code: string;
  message: string;
  /** The buttons the notification offered. */
  actions: string[];
}

/** The last failures, so tests (and a future "report issue") can see what the user was told. */
export class CommandFailures {
  private readonly emitter = new vscode.EventEmitter<CommandFailure>();
  readonly onDidFail = this.emitter.event;
  last: CommandFailure | undefined;
  record(f: CommandFailure): void {
    this.last = f;
    this.emitter.fire(f);
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export function describeError(e: unknown): { code: string; message: string; retryable: boolean } {
  if (isControlPlaneError(e)) return { code: e.code, message: e.describe(), retryable: e.retryable };
  if (e instanceof CommandError) return { code: e.code, message: e.message, retryable: false };
  const err = e as { code?: unknown; message?: unknown };
  return { code: typeof err?.code === 'string' ? err.code : 'error', message: String(err?.message ?? e), retryable: false };
}

/** The most consumers a refusal's notification offers a button for; beyond, one button opens a picker of them. */
const OPEN_BUTTONS = 3;

/** "Open <consumer>" per consumer a refusal names (each once, whatever its environments), or "Open a Consumer…". */
export function openActions(uses: readonly ResourceUse[]): Map<string, () => Thenable<unknown>> {
  const consumers = [...new Map(uses.map((u) => [`${u.orgHandle}/${u.projectHandle}/${u.componentName}`, u])).values()];
  const label = (u: ResourceUse) =>
    consumers.filter((c) => c.displayName === u.displayName).length > 1 ? `${u.displayName} (${u.projectHandle})` : u.displayName;
  const open = (u: ResourceUse) =>
    vscode.commands.executeCommand('choreo.openOverview', { orgHandle: u.orgHandle, projectHandle: u.projectHandle, componentName: u.componentName });
  if (consumers.length <= OPEN_BUTTONS) return new Map(consumers.map((u) => [vscode.l10n.t('Open {0}', label(u)), () => open(u)]));
  const pick = async () => {
    const items = consumers.map((u) => ({ label: label(u), description: `${u.projectHandle}/${u.componentName}`, use: u }));
    const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open an external consumer that uses it') });
    if (chosen) await open(chosen.use);
  };
  return new Map([[vscode.l10n.t('Open a Consumer ({0})…', consumers.length), pick]]);
}

/** A refusal's fixes (a use case's FixableError), each offered as a button that runs its command. */
function fixesOf(e: unknown): ReadonlyArray<{ title: string; command: string; args: unknown[] }> {
  const fixes = (e as { fixes?: unknown })?.fixes;
  return Array.isArray(fixes) ? (fixes as Array<{ title: string; command: string; args: unknown[] }>) : [];
}

/**
 * Says what failed, once, in a notification a person can act on (the refusal's fixes, Retry when `retry` is given
 * and it may help, Show Logs) and one line in the log. For commands (through wrapCommand) and the launch resolver.
 */
export function reportFailure(
  id: string,
  e: unknown,
  ctx: { log: Pick<CommandContext['log'], 'error' | 'show'> },
  failures: CommandFailures,
  retry?: () => unknown,
): void {
  const { code, message, retryable } = describeError(e);
  const [RETRY, SHOW_LOGS] = [vscode.l10n.t('Retry'), vscode.l10n.t('Show Logs')];
  ctx.log.error(`${id} failed [${code}]: ${message}`);
  // A refusal that names consumers (a provider or service still in use) offers to open each of them.
  const opens = openActions(isControlPlaneError(e) ? (e.uses ?? []) : []);
  const fixes = new Map(fixesOf(e).map((f) => [f.title, () => vscode.commands.executeCommand(f.command, ...f.args)]));
  const actions = [...fixes.keys(), ...opens.keys(), ...(retryable && retry ? [RETRY, SHOW_LOGS] : [SHOW_LOGS])];
  failures.record({ command: id, code, message, actions });
  // Not awaited: the caller finishes now; the message stays until the user acts on it.
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === RETRY) void retry?.();
    else if (choice === SHOW_LOGS) ctx.log.show();
    else if (choice) void (fixes.get(choice) ?? opens.get(choice))?.();
  });
}

export function wrapCommand(id: string, load: () => Promise<Command>, ctx: CommandContext, failures: CommandFailures) {
  const run = async (...args: unknown[]): Promise<unknown> => {
    try {
      const command = await load();
      return await command(ctx, ...(args as never[]));
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      reportFailure(id, e, ctx, failures, () => run(...args));
      return undefined;
    }
  };
  return run;
}
