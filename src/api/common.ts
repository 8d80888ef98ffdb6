/**
 * Shapes shared by every resource of the management API: names, paging and errors.
 * The server validates requests with these schemas; the extension's client validates responses with them.
 */
import { z } from 'zod';

/** A unique name (handle) follows DNS-label rules, as Choreo's component names do. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const dnsLabel = z
  .string()
  .min(1, 'Enter a name.')
  .max(63, 'Use at most 63 characters.')
  .regex(DNS_LABEL, 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit.');

/** Control characters and bidirectional overrides are refused: they would let a name display as something else
 * in the tree and the forms (e.g. U+202E reversing the text after it). */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
export const displayName = z
  .string()
  .trim()
  .min(1, 'Enter a display name.')
  .max(100, 'Use at most 100 characters.')
  .refine((s) => !UNSAFE_TEXT.test(s), 'Remove control characters and text-direction marks from the name.');
/**
 * A trimmed, non-empty string of at most `max` characters that `problem` accepts; `problem` says in a person's words
 * what is wrong with a value (undefined when nothing is), and that is the error shown.
 */
export function checkedText(o: { empty: string; max: number; tooLong: string }, problem: (value: string) => string | undefined) {
  return z
    .string()
    .trim()
    .min(1, o.empty)
    .max(o.max, o.tooLong)
    .refine((value) => problem(value) === undefined, { error: (issue) => problem(String(issue.input)) });
}
export const description = z.string().max(1000, 'Use at most 1000 characters.');
export const isoDate = z.string();

/** Turns a display name into a unique-name suggestion: "Stark Mobile App" → "stark-mobile-app". */
export function toDnsLabel(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 500;

/** Query of every list route: `limit`, an opaque `cursor` from the previous page, and a name `prefix`. */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(512).optional(),
  prefix: z.string().max(63).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Stable, machine-readable error codes. Clients branch on these, never on the message. */
export const ErrorCode = z.enum([
  'validation_failed',
  'name_taken',
  'not_found',
  'conflict',
  'in_use',
  'unauthorized',
  'forbidden',
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'rate_limited',
  'discovery_failed',
  /** An endpoint's visibility does not admit this consumer (a connection refused, or a call at the gateway). */
  'not_visible',
  /** The request's Host header names another server (421). */
  'misdirected_request',
  'store_unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** One thing that stands in the way of a change (a `in_use` or `not_visible` refusal): the external consumer, and
 * the connection or environment through which it uses what was to be changed. Lets a client link to each. */
export const ResourceUse = z.object({
  orgHandle: z.string(),
  projectHandle: z.string(),
  componentName: z.string(),
  displayName: z.string(),
  /** The connection (refusals about services and endpoints). */
  connectionName: z.string().optional(),
  /** The environment whose keys use it (refusals about identity providers). */
  environment: z.string().optional(),
});
export type ResourceUse = z.infer<typeof ResourceUse>;

/** Body of every 4xx/5xx answer of the management API. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    fields: z.array(FieldError).optional(),
    /** What the refusal names, when it names consumers or connections (`in_use`, `not_visible`). */
    uses: z.array(ResourceUse).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
