/**
 * The path a gateway call asks for below its endpoint (what follows `/gw/org/project/component/endpoint/env`),
 * normalised the way a gateway such as Envoy (`normalize_path`, `merge_slashes`) or nginx does before it is joined
 * to the upstream URL's own path, so a call can never leave the endpoint's base path:
 *   - dot segments (`.`, `..`, also spelt `%2e`, `.%2E`, …) are resolved (RFC 3986 §5.2.4); a `..` that would climb
 *     above the endpoint's root is refused, not clamped: an honest client never sends one;
 *   - runs of slashes are merged (`//host/x` must not read as an authority to an upstream);
 *   - what an upstream might decode into a separator or a dot segment is refused: an encoded slash or backslash
 *     (`%2F`, `%5C`), a raw backslash, an encoded NUL, a `#`, and a dot segment with parameters (`..;x`, which
 *     Tomcat reads as `..`). Every other byte is passed on as the caller sent it.
 * Most calls' paths hold none of `.`, `%`, `\`, `#` and no `//`: they are passed on after one scan.
 */

export class RequestPathRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestPathRefused';
  }
}

/** `rest` is '' or starts with '/'; the answer is the same shape. Throws RequestPathRefused. */
export function normaliseRestPath(rest: string): string {
  let plain = true;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === 0x2e /* . */ || c === 0x25 /* % */ || c === 0x5c /* \ */ || c === 0x23 /* # */ || (c === 0x2f && rest.charCodeAt(i + 1) === 0x2f)) {
      plain = false;
      break;
    }
  }
  if (plain) return rest;
  if (rest.includes('\\') || rest.includes('#')) throw new RequestPathRefused('The path holds a backslash or a "#"; send a plain URL path.');
  if (/%(2f|5c|00)/i.test(rest)) {
    throw new RequestPathRefused(
      'The path holds an encoded slash, backslash or NUL (%2F, %5C, %00), which a service may read as a separator; send it unencoded.',
    );
  }
  const out: string[] = [];
  const segments = rest.split('/');
  // segments[0] is '' (rest starts with '/'); a trailing '' keeps a trailing slash.
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (segment === '' && !last) continue; // merged slashes
    const dots = dotSegment(segment);
    if (dots === 0) {
      out.push(segment);
      continue;
    }
    if (dots === 2) {
      if (out.length === 0)
        throw new RequestPathRefused('The path climbs above the endpoint with "..": a gateway URL reaches only what is under its endpoint.');
      out.pop();
    }
    if (last) out.push(''); // "a/.." and "a/." end as a directory: "a/"
  }
  return out.length === 0 ? '' : `/${out.join('/')}`;
}

/** 1 for '.', 2 for '..' (either spelt with %2e), 0 for any other segment. */
function dotSegment(segment: string): 0 | 1 | 2 {
  const first = segment.charCodeAt(0);
  if (first !== 0x2e /* . */ && first !== 0x25 /* % */) return 0;
  const decoded = segment.replace(/%2e/gi, '.');
  const bare = decoded.split(';')[0];
  if (bare !== '.' && bare !== '..') return 0;
  if (bare !== decoded) throw new RequestPathRefused('The path holds a dot segment with parameters (such as "..;"); send a plain URL path.');
  return bare.length as 1 | 2;
}
