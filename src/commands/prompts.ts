/** Small prompt steps: each resolves a value or throws {@link Cancelled}, so commands read as a list of steps. */
import * as vscode from 'vscode';
import { Cancelled } from './commandContext';

export async function askText(o: vscode.InputBoxOptions): Promise<string> {
  const v = await vscode.window.showInputBox({ ignoreFocusOut: true, ...o });
  if (v === undefined) throw new Cancelled();
  return v;
}

export async function pickOne<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, o: vscode.QuickPickOptions): Promise<T> {
  const v = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...o });
  if (!v) throw new Cancelled();
  return v;
}

/** Asks before something that cannot be undone; `confirmed` (from a form or a test) skips the question. */
export async function confirm(message: string, detail: string, action: string, confirmed?: unknown): Promise<void> {
  if (confirmed === true) return;
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  if (answer !== action) throw new Cancelled();
}

/** Reads a string field of a plain-object argument. */
export function field(arg: unknown, name: string): string | undefined {
  const v = arg && typeof arg === 'object' ? (arg as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
