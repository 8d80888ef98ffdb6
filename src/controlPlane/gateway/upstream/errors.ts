/** Why an upstream exchange failed, with a stable code the proxy maps to its 502/504 answers. */
export type UpstreamErrorCode =
  | 'UPSTREAM_CONNECT_TIMEOUT'
  | 'UPSTREAM_HEADERS_TIMEOUT'
  | 'UPSTREAM_BODY_TIMEOUT'
  /** The caller stopped sending its request body (the upstream was ready for more): the caller's fault, not the service's. */
  | 'CALLER_BODY_TIMEOUT'
  | 'UPSTREAM_MALFORMED'
  | 'UPSTREAM_CLOSED'
  | 'UPSTREAM_POOL_CLOSED';

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
