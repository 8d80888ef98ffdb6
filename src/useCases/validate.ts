import type { z } from 'zod';
import { UseCaseError } from './errors';

/**
 * Checks a use case's input with the API's own request schema (the rule the control plane applies), before any
 * call. A failure names each field once, by the form's field name, with no internal path in the message.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key && !fields[key]) fields[key] = issue.message;
  }
  throw new UseCaseError('validation_failed', Object.values(fields).join(' ') || r.error.issues[0]?.message || 'The input is not valid.', fields);
}
