/**
 * The webview forms: Create an External Consumer, Create a Service, Overview, Configure (authentication per environment),
 * Create Connection, Add Identity Provider and an identity provider's overview. The composition root calls {@link registerWebviews} once; commands call the
 * returned API. Each form's actions run the same use cases (src/useCases) as the commands.
 *
 * Only this file loads at activation (it registers the serializers that restore panels after a reload); the forms,
 * their protocols and zod load on first use, so activation stays fast.
 */
import * as vscode from 'vscode';
import type { Change, UseCaseContext } from '../useCases/context';
import type { NewConnection } from '../useCases/createConnection';
import type { Forms } from './forms';
import { FORM_VIEW_TYPES } from './formList';

/** What Create Connection opens with besides the consumer (the editor's quick fix names the connection). */
export type ConnectionSuggestion = Partial<Pick<NewConnection, 'name'>>;

/**
 * The forms' API as commands see it: each `open…` method of {@link Forms}, loading the forms' part on first use;
 * `changed` is a no-op before any form was opened.
 */
export type WebviewForms = { [M in Extract<keyof Forms, `open${string}`>]: (...args: Parameters<Forms[M]>) => Promise<ReturnType<Forms[M]>> } & Pick<
  Forms,
  'changed'
>;

export { FORM_VIEW_TYPES } from './formList';

export function registerWebviews(context: vscode.ExtensionContext, ctx: UseCaseContext): WebviewForms {
  let forms: Forms | undefined;
  const load = async () => (forms ??= (await import('./forms.js')).createForms(context, ctx));
  for (const viewType of FORM_VIEW_TYPES) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: async (panel, state) => (await load()).restore(viewType, panel, state),
      }),
    );
  }
  // Each `open…` method forwards to the forms once they are loaded: a new form's open method needs nothing here.
  const forward =
    (method: keyof Forms) =>
    async (...args: unknown[]) =>
      ((await load())[method] as (...a: unknown[]) => unknown)(...args);
  const changed = (change: Change) => forms?.changed(change);
  return new Proxy({} as WebviewForms, {
    get: (_target, method) =>
      method === 'changed' ? changed : typeof method === 'string' && method.startsWith('open') ? forward(method as keyof Forms) : undefined,
  });
}
