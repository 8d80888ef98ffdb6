/**
 * The form's side of its protocol: what arrives from the extension is parsed with the protocol's zod schema before the
 * form looks at it; what the form sends is checked with the same schema the host uses.
 */
import type { z } from 'zod';
import { Busy, parseMessage, type AnyProtocol, type FormStateOf, type MessageToHost, type MessageToWebview } from '../../src/webviews/ipc';
import { setBusy, type Field } from './dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostConnection<P extends AnyProtocol> {
  post(message: MessageToHost<P>): void;
  /** The saved state, if it is still valid for this version of the form. */
  savedState(): FormStateOf<P> | undefined;
  saveState(state: FormStateOf<P>): void;
}

export function connect<P extends AnyProtocol>(protocol: P, onMessage: (m: MessageToWebview<P>) => void): HostConnection<P> {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseMessage(protocol.toWebview, event.data);
    if (!parsed.ok) {
      console.warn(`${protocol.viewType}: refused a malformed message (${parsed.code}): ${parsed.reason}`);
      return;
    }
    // Every form's protocol carries Busy (sent around each action by FormPanel): every form answers it the same way.
    const busy = Busy.safeParse(parsed.message);
    if (busy.success) {
      setBusy(busy.data.busy);
      return;
    }
    onMessage(parsed.message as MessageToWebview<P>);
  });
  return {
    post(message) {
      const parsed = parseMessage(protocol.toHost, message);
      if (!parsed.ok) {
        console.error(`${protocol.viewType}: did not send a message that breaks the protocol: ${parsed.reason}`);
        return;
      }
      api.postMessage(parsed.message);
    },
    savedState() {
      const parsed = protocol.state.safeParse(api.getState());
      return parsed.success ? (parsed.data as FormStateOf<P>) : undefined;
    },
    saveState(state) {
      api.setState(state);
    },
  };
}

/** The resource the page was opened for, written into the page by the host (see src/webviews/html.ts). */
export function pageRef<T>(schema: z.ZodType<T>): T | undefined {
  const raw = document.querySelector('meta[name="choreo-ref"]')?.getAttribute('content');
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A resource form's state, kept in step with the webview's saved state so a hidden or reloaded panel comes back as it was. */
export interface PageState<S> {
  /** Undefined only when the page was opened without a resource to work on. */
  readonly current: S | undefined;
  save(patch: Partial<S>): void;
  /** Keeps a field's value in the state as the user edits it; an edit also clears the field's error. */
  follow(field: Field, event: 'input' | 'change', key: StringKey<S>): void;
}

/** The keys of a state that may hold a field's value. */
type StringKey<S> = { [K in keyof S]-?: string extends S[K] ? K : never }[keyof S];

/**
 * The saved state if it is still valid for this form, else a fresh one for the resource written into the page; saved at
 * once, so a reload before the first edit still finds it.
 */
export function pageState<S extends { ref: unknown }>(
  host: { savedState(): S | undefined; saveState(state: S): void },
  refSchema: z.ZodType<S['ref']>,
): PageState<S> {
  const ref = pageRef(refSchema);
  // A fresh state is its ref alone: every other field of a resource form's state is optional.
  let current = host.savedState() ?? (ref ? ({ ref } as S) : undefined);
  if (current) host.saveState(current);
  const save = (patch: Partial<S>): void => {
    if (!current) return;
    current = { ...current, ...patch };
    host.saveState(current);
  };
  return {
    get current() {
      return current;
    },
    save,
    follow(field, event, key) {
      field.control.addEventListener(event, () => {
        field.setError();
        save({ [key]: field.control.value } as Partial<S>);
      });
    },
  };
}
