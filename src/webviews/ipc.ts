/**
 * The envelope every webview form speaks, shared by the panel hosts (extension side) and `webview-ui/` (browser side).
 * A form's protocol is two zod unions: what the form may send to its host, and what the host may send to the form.
 * Each side parses what it receives with the same schema, so a malformed message is refused and logged, never acted on.
 * This module must stay browser-safe: zod and `src/api` only, no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import type { FormViewType } from './formList';

export interface Protocol<ToHost extends z.ZodType, ToWebview extends z.ZodType, State extends z.ZodType> {
  /** The panel's viewType: `choreo.` and the form's name in formList.ts, also the name of its bundle in dist/webview. */
  readonly viewType: FormViewType;
  readonly toHost: ToHost;
  readonly toWebview: ToWebview;
  /** What the form keeps with `setState` so that a hidden or reloaded panel comes back as it was. */
  readonly state: State;
}

export function defineProtocol<ToHost extends z.ZodType, ToWebview extends z.ZodType, State extends z.ZodType>(
  p: Protocol<ToHost, ToWebview, State>,
): Protocol<ToHost, ToWebview, State> {
  return p;
}

/** Any form's protocol: for the code that serves every form (the panel base class, the webview's `connect`). */
export type AnyProtocol = Protocol<z.ZodType, z.ZodType, z.ZodType>;
/** What a form may send its host. */
export type MessageToHost<P extends AnyProtocol> = z.infer<P['toHost']>;
/** What a host may send its form. */
export type MessageToWebview<P extends AnyProtocol> = z.infer<P['toWebview']>;
/** The message that carries a form's data. */
export type DataMessage<P extends AnyProtocol> = Extract<MessageToWebview<P>, { type: 'data' }>;
/** What a form keeps with `setState`. */
export type FormStateOf<P extends AnyProtocol> = z.infer<P['state']>;

type Variant = z.core.$ZodTypeDiscriminable;

/** A protocol's `toHost`: `ready`, which every form sends, then the form's own requests. */
export function toHostMessages<const T extends readonly Variant[]>(...variants: T) {
  return z.discriminatedUnion('type', [Ready, ...variants]);
}

/** A protocol's `toWebview`: the form's own messages, then `busy` and `formError`, which every host sends (see FormPanel). */
export function toWebviewMessages<const T extends readonly [Variant, ...Variant[]]>(...variants: T) {
  return z.discriminatedUnion('type', [...variants, Busy, FormError]);
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; code: 'malformed_message'; reason: string };

/** Parses one received message. The reason names the first few problems, for the log; it never echoes values. */
export function parseMessage<T extends z.ZodType>(schema: T, raw: unknown): ParseResult<z.infer<T>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const reason = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(safeSegment).join('.') || '(message)'}: ${i.code === 'unrecognized_keys' ? `${i.keys.length} unknown field(s)` : i.message}`)
    .join('; ');
  return { ok: false, code: 'malformed_message', reason };
}

/** Keys of a received message are its sender's data too: only short identifier-like ones go into the log. */
function safeSegment(segment: PropertyKey): string {
  return typeof segment === 'number' || /^[A-Za-z][A-Za-z0-9]{0,29}$/.test(String(segment)) ? String(segment) : '?';
}

/** A short, bounded string: every free-text field of a message has a ceiling so a runaway form cannot flood a host. */
export const text = (max = 1000) => z.string().max(max);

/** Server answers that belong to a field ("name already taken") land on that field; the rest is a form-level message. */
export const FieldErrors = z.record(z.string().max(100), text(500));
export const FormError = z.strictObject({
  type: z.literal('formError'),
  code: text(100),
  message: text(2000),
  fields: FieldErrors.default({}),
});
export type FormError = z.infer<typeof FormError>;

/** Sent by every form once its script runs; the host answers with the form's data. */
export const Ready = z.strictObject({ type: z.literal('ready') });
/** The host is working on a request (disables the form's actions); `false` when done. */
export const Busy = z.strictObject({ type: z.literal('busy'), busy: z.boolean() });
