/**
 * Turns whatever a use case threw into a form error: its stable code, one sentence for the form's message line, and
 * the problems of single fields keyed by the form's field names, so "name already taken" lands under the unique name
 * and a discovery failure under the Well-Known URL. A message that a field already shows is not said again above.
 */
import type { FormError } from './ipc';
import * as l10n from '@vscode/l10n';

/**
 * The form's own field for a server field path or a code (`code:name_taken`), where they differ: a table keyed by a
 * path's last segment (`body.handle` → `handle`) or by the code, or, for a form whose fields repeat (a service's
 * endpoints), a function of the whole path (`endpoints.0.upstreamUrl`) or the code.
 */
export type FieldFor = Partial<Record<string, string>> | ((pathOrCode: string) => string | undefined);

function fieldOf(fieldFor: FieldFor, key: string): string | undefined {
  if (typeof fieldFor === 'function') return fieldFor(key);
  if (key.startsWith('code:')) return fieldFor[key];
  const last = key.split(/[./]/).filter(Boolean).pop() ?? '';
  return fieldFor[last] ?? last;
}

export const CHECK_FIELDS = l10n.t('Check the marked fields.');

export function toFormError(e: unknown, fieldFor: FieldFor = {}): FormError {
  const err = e as { code?: unknown; message?: unknown; fields?: unknown };
  const code = typeof err?.code === 'string' ? err.code : 'internal';
  const message = typeof err?.message === 'string' && err.message ? err.message : l10n.t('Something went wrong. See the Choreo log.');
  const fields: Record<string, string> = {};
  const put = (path: string, text: string) => {
    const field = fieldOf(fieldFor, path);
    if (field && !fields[field]) fields[field] = text;
  };
  if (Array.isArray(err?.fields)) {
    // The API's field errors (ControlPlaneError): `{ path, message }`.
    for (const f of err.fields as { path?: unknown; message?: unknown }[]) {
      if (typeof f?.path === 'string' && typeof f.message === 'string') put(f.path, f.message);
    }
  } else if (err?.fields && typeof err.fields === 'object') {
    // A use case's own check (UseCaseError): field → message.
    for (const [path, text] of Object.entries(err.fields as Record<string, unknown>)) if (typeof text === 'string') put(path, text);
  }
  // Codes that always concern one field, even when the server names none.
  const codeField = fieldOf(fieldFor, `code:${code}`);
  if (codeField && !fields[codeField]) fields[codeField] = message;
  const onFields = Object.values(fields);
  // Said once: when the fields carry the whole story, the line above only points at them.
  const line = onFields.length && (code === 'validation_failed' || onFields.includes(message)) ? CHECK_FIELDS : message;
  return { type: 'formError', code, message: line.slice(0, 2000), fields };
}
