/** The value of a request header, found in rawHeaders (reading `req.headers` would build the whole object; the
 * server reads Host and the gateway Authorization on every call). `name` is lower-case. */
export function headerValue(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i];
    if (n.length === name.length && (n === name || n.toLowerCase() === name)) return raw[i + 1];
  }
  return undefined;
}
