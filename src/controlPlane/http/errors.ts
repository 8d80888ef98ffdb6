/** Every refused management call answers `{ error: { code, message, fields?, uses? } }` (ApiErrorBody) with a 4xx. */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ApiErrorBody, ErrorCode, FieldError, ResourceUse } from '../../api/common';
import { CheckFailed, MissingRecord, StoreUnavailable, UniqueViolation, WriteConflict } from '../store/store';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
    /** What stands in the way (`in_use`, `not_visible`): the consumers and connections the message names. */
    readonly uses?: ResourceUse[],
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const nameTaken = (message: string, path: string) => new ApiError(409, 'name_taken', message, [{ path, message }]);
/** A change refused because of what uses the thing changed: the message names them, `uses` lists them. */
export const inUse = (message: string, uses: ResourceUse[]) => new ApiError(409, 'in_use', message, undefined, undefined, uses);
export const validationFailed = (message: string, fields: FieldError[]) => new ApiError(400, 'validation_failed', message, fields);

/** How much of a refused body a `validation_failed` answer repeats: a body of many unknown keys or long values must
 * not come back many times its size (issue 22, row 10). */
export const VALIDATION_LIMITS = { fields: 20, keys: 10, text: 200 } as const;

const clip = (text: string) => (text.length > VALIDATION_LIMITS.text ? `${text.slice(0, VALIDATION_LIMITS.text)}…` : text);
const more = (n: number, what: string) => (n > 0 ? ` (and ${n.toLocaleString('en-US')} more ${what})` : '');

function unknownKeys(keys: string[]): string {
  const named = keys.slice(0, VALIDATION_LIMITS.keys).map(clip).join(', ');
  return `Remove the unknown field(s): ${named}${more(keys.length - VALIDATION_LIMITS.keys, 'unknown fields')}.`;
}

/** zod issues → `validation_failed` with one entry per field path ("endpoints.0.name"; "" for the whole body), the
 * first VALIDATION_LIMITS.fields of them, each clipped. */
export function fromZodError(err: z.ZodError, where: 'body' | 'query'): ApiError {
  const fields = err.issues.slice(0, VALIDATION_LIMITS.fields).map((issue) => ({
    path: clip(issue.path.map(String).join('.')),
    message: issue.code === 'unrecognized_keys' ? unknownKeys(issue.keys) : clip(issue.message),
  }));
  const first = fields[0];
  const lead = where === 'body' ? 'The request body is not valid' : 'The query string is not valid';
  return validationFailed(`${lead}: ${first.path ? `${first.path}: ` : ''}${first.message}${more(err.issues.length - fields.length, 'problems')}`, fields);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const body: ApiErrorBody = { error: { code: err.code, message: err.message } };
  if (err.fields?.length) body.error.fields = err.fields;
  if (err.uses?.length) body.error.uses = err.uses;
  sendJson(res, err.status, body, err.headers);
}

/** A store error no route turned into its own answer: the database unreachable (503, retry), or a race the routes'
 * checks did not see and the store's constraints caught (409, 404). */
export function storeErrorAnswer(err: unknown): ApiError | undefined {
  if (err instanceof StoreUnavailable) {
    return new ApiError(503, 'store_unavailable', err.message, undefined, { 'retry-after': String(err.retryAfter) });
  }
  if (err instanceof WriteConflict) return conflict(err.message);
  // The access the request was allowed under was taken away before its write committed.
  if (err instanceof CheckFailed) return new ApiError(403, 'forbidden', err.message);
  if (err instanceof UniqueViolation) return conflict('Another write took this name at the same moment. Reload and try again.');
  if (err instanceof MissingRecord) return notFound('What this change belongs to was deleted a moment ago. Reload and try again.');
  return undefined;
}
