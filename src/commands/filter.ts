import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { field } from './prompts';

/** Filter by Name: components whose name starts with the text; empty clears it. Argument: `{ prefix }`. */
export async function filter(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  let prefix = field(arg, 'prefix') ?? (arg && typeof arg === 'object' && 'prefix' in arg ? '' : undefined);
  if (prefix === undefined) {
    prefix = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter components by name'),
      prompt: vscode.l10n.t('Show components whose name starts with this text. Leave empty to show all.'),
      value: ctx.tree.filter ?? '',
    });
    if (prefix === undefined) return ctx.tree.filter;
  }
  ctx.tree.setFilter(prefix);
  return ctx.tree.filter;
}
