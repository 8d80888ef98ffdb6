/**
 * What the extension's client sent to the control plane: the client speaks through the runtime's global `fetch`, so
 * wrapping it records each request (method, path, JSON body) and passes it on unchanged to the real control plane.
 * For a test that asserts the shape of a request, or that a refused draft sends nothing at all.
 */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

export function recordSentRequests(baseUrl: string): { requests: SentRequest[]; stop(): void } {
  const requests: SentRequest[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === new URL(baseUrl).origin) {
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      requests.push({ method: init?.method ?? 'GET', path: url.pathname, body });
    }
    return original(input, init);
  };
  return { requests, stop: () => void (globalThis.fetch = original) };
}
