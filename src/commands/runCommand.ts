/**
 * The one wrapper every command runs through: a thrown error becomes a message a person can act on (with Retry
 * and Show Logs where they help) and one line in the log. Messages never carry request bodies or secrets.
 */
import * as vscode from 'vscode';
import { isControlPlaneError } from '../client/errors';
import { Cancelled, CommandError, type Command, type CommandContext } from './commandContext';

export interface CommandFailure {
  command: string;
  code: string;
  message: string;
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

export function wrapCommand(id: string, load: () => Promise<Command>, ctx: CommandContext, failures: CommandFailures) {
  const run = async (...args: unknown[]): Promise<unknown> => {
    try {
      const command = await load();
      return await command(ctx, ...(args as never[]));
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      const { code, message, retryable } = describeError(e);
      ctx.log.error(`${id} failed [${code}]: ${message}`);
      failures.record({ command: id, code, message });
      const actions = retryable ? ['Retry', 'Show Logs'] : ['Show Logs'];
      // Not awaited: the command finishes now; the message stays until the user acts on it.
      void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
        if (choice === 'Retry') void run(...args);
        else if (choice === 'Show Logs') ctx.log.show();
      });
      return undefined;
    }
  };
  return run;
}
