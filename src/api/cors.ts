/**
 * The CORS setting of a service's endpoint: which web pages (origins) a browser lets call it through the gateway, with
 * which methods and request headers, whether with credentials, and how long a browser may keep a preflight's answer.
 * One declaration: the server validates with it, the gateway answers from it, the Service Overview edits it.
 */
import { z } from 'zod';
import { checkedText } from './common';

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const CorsMethod = z.enum(CORS_METHODS, { error: (issue) => `"${String(issue.input)}" is not a method; use ${CORS_METHODS.join(', ')}.` });

/** The longest max age a browser honours (Chromium caps it at 7200 s; Firefox at 86400). */
export const CORS_MAX_AGE_MAX = 86_400;

/**
 * An allowed origin: `*` (any), or an origin as a browser sends it in the Origin header: scheme, host and port only,
 * lower case, no default port, no path. Compared exactly, so the form must match what browsers send.
 */
export const corsOrigin = checkedText(
  { empty: 'Enter an origin, such as https://app.example.com, or * for any.', max: 300, tooLong: 'An origin has at most 300 characters.' },
  corsOriginProblem,
);

export function corsOriginProblem(value: string): string | undefined {
  if (value === '*') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not an origin: enter one such as https://app.example.com or http://localhost:3000, or * for any.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${value} is not a web origin: use http:// or https://.`;
  if (url.origin !== value) {
    return `Write the origin as a browser sends it: ${url.origin} (scheme, host and port only; no path, no trailing slash, no default port).`;
  }
  return undefined;
}

/** RFC 9110 §5.1: a field name is a token. */
const headerName = z
  .string()
  .trim()
  .min(1, 'Enter a header name.')
  .max(100, 'A header name has at most 100 characters.')
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'A header name has letters, digits and - only (such as Content-Type).');

export const CorsSetting = z
  .strictObject({
    /** `*`, or the origins allowed (exactly as browsers send them). */
    allowOrigins: z.array(corsOrigin).min(1, 'Allow at least one origin (* for any).').max(50, 'Allow at most 50 origins.'),
    allowMethods: z.array(CorsMethod).min(1, 'Allow at least one method.'),
    /** Request headers a browser may send beyond the CORS-safelisted ones (compared without regard to case). */
    allowHeaders: z.array(headerName).max(50, 'Allow at most 50 headers.'),
    /** Let the browser send cookies and HTTP authentication, and the page read the answer to such a call. */
    allowCredentials: z.boolean(),
    /** Seconds a browser may keep a preflight's answer. */
    maxAge: z
      .number()
      .int('Max age: enter whole seconds.')
      .min(0, 'Max age: 0 seconds or more.')
      .max(CORS_MAX_AGE_MAX, `Max age: at most ${CORS_MAX_AGE_MAX} seconds (browsers cap it lower).`),
  })
  .superRefine((s, ctx) => {
    if (s.allowCredentials && s.allowOrigins.includes('*')) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowCredentials'],
        message:
          'Credentials cannot go with any origin (*): browsers refuse such an answer, and it would let every web site call the service as the signed-in user. List the origins of your app instead.',
      });
    }
  });
export type CorsSetting = z.infer<typeof CorsSetting>;

/** What an endpoint gets when nobody set its CORS (WSO2's gateways' defaults): any origin, no credentials, the usual
 * methods, and the headers a call through the gateway needs (the token, a JSON body). */
export const DEFAULT_CORS: CorsSetting = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
  allowHeaders: ['authorization', 'Content-Type', 'SOAPAction', 'apikey'],
  allowCredentials: false,
  maxAge: 600,
};
