/** The quick-input prompter the commands give the use cases: each prompt resolves a value or throws {@link Cancelled}. */
import * as vscode from 'vscode';
import type { Prompter } from '../useCases/context';
import { Cancelled } from '../useCases/errors';

export const quickInput: Prompter = {
  async pick(items, o) {
    const v = await vscode.window.showQuickPick([...items], { ignoreFocusOut: true, ...o });
    if (!v) throw new Cancelled();
    return v;
  },
  async ask(o) {
    const v = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: o.title,
      prompt: o.prompt,
      value: o.value,
      placeHolder: o.placeHolder,
      password: o.password,
      validateInput: o.validate,
    });
    if (v === undefined) throw new Cancelled();
    return v;
  },
  async confirm(message, detail, action) {
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    if (answer !== action) throw new Cancelled();
  },
  async choose(message, detail, answers) {
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...answers);
    if (answer === undefined) throw new Cancelled();
    return answer;
  },
  progress: (title, job) => Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, job)),
};

/** Reads a string field of a plain-object argument (the settings commands' `{ url, token }`). */
export function field(arg: unknown, name: string): string | undefined {
  const v = arg && typeof arg === 'object' ? (arg as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
