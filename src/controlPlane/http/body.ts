/** Reads a JSON request body: content type checked, size limited while it streams in, parsed, then validated. */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ApiError, fromZodError } from './errors';

export const MAX_BODY_BYTES = 1024 * 1024;
/** No request shape of the API nests deeper than a few levels; a deeper body is hostile or a bug. */
export const MAX_JSON_DEPTH = 32;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      // Stop reading; the connection is closed after the answer so the rest of the upload is not waited for.
      req.pause();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The request body is larger than ${limit / 1024 / 1024} MiB. Send a smaller one.`, undefined, {
    connection: 'close',
  });
}

/** Parses and validates the JSON body. `optional`: an empty body counts as `{}` (for action routes). */
export async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T, optional = false): Promise<z.infer<T>> {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    if (optional) return parse(schema, {});
    throw new ApiError(400, 'validation_failed', 'The request needs a JSON body.', [{ path: '', message: 'Send a JSON object.' }]);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', `Send the body as JSON with "Content-Type: application/json" (got "${type || 'none'}").`);
  }
  const raw = await readBody(req);
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    // Checked on the bytes before parsing: a body of a million "[" would otherwise cost a parse and a deep walk.
    throw new ApiError(400, 'validation_failed', `The request body nests deeper than ${MAX_JSON_DEPTH} levels. Send a flatter JSON object.`, [
      { path: '', message: `Nest at most ${MAX_JSON_DEPTH} levels deep.` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'validation_failed', `The request body is not valid JSON: ${(err as Error).message}`, [
      { path: '', message: 'Send a valid JSON object.' },
    ]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'validation_failed', 'The request body must be a JSON object.', [{ path: '', message: 'Send a JSON object.' }]);
  }
  return parse(schema, value);
}

/** The deepest nesting of objects and arrays in JSON text (brackets inside strings do not count). */
export function jsonDepth(raw: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, 'body');
  return result.data;
}

export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw fromZodError(result.error, 'query');
  return result.data;
}
