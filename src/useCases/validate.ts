import type { z } from 'zod';
import { UseCaseError } from './errors';
import * as l10n from '@vscode/l10n';

/**
 * Checks a use case's input with the API's own request schema (the rule the control plane applies), before any
 * call. A failure names each field once, by the form's field name, with no internal path in the message.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return check(schema, input, (path) => String(path[0] ?? ''));
}

/**
 * The same check for an input with nested fields (a service's endpoints): each problem keyed by its whole path, as
 * the server names it (`endpoints.0.upstreamUrls.development`), through `rename` when the caller's field differs.
 */
export function parseFields<S extends z.ZodType>(schema: S, input: unknown, rename: (path: string) => string = (p) => p): z.output<S> {
  return check(schema, input, (path) => rename(path.map(String).join('.')));
}

/** An input box validator from a zod schema of `src/api/`: the same rule the control plane applies, said while typing. */
export function validateWith(schema: z.ZodType): (value: string) => string | undefined {
  return (value) => {
    const r = schema.safeParse(value);
    return r.success ? undefined : r.error.issues[0]?.message;
  };
}

function check<S extends z.ZodType>(schema: S, input: unknown, keyOf: (path: readonly PropertyKey[]) => string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = keyOf(issue.path);
    if (key && !fields[key]) fields[key] = issue.message;
  }
  const messages = [...new Set(Object.values(fields))];
  throw new UseCaseError('validation_failed', messages.join(' ') || r.error.issues[0]?.message || l10n.t('The input is not valid.'), fields);
}
