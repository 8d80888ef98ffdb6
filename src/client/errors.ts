import type { ErrorCode, FieldError } from '../api/common';

/** Codes of failures that happen before the control plane answers, or when its answer is not what the contract says. */
export type TransportErrorCode = 'unreachable' | 'timeout' | 'bad_response';

/**
 * Every failure of a control-plane call. `code` is the API's stable code (or a transport code) so callers branch on
 * it, never on the message; `message` is a sentence a person can act on.
 */
export class ControlPlaneError extends Error {
  constructor(
    readonly code: ErrorCode | TransportErrorCode,
    message: string,
    readonly status?: number,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ControlPlaneError';
  }

  /** Whether trying again later could work (the commands then offer Retry). */
  get retryable(): boolean {
    return this.code === 'unreachable' || this.code === 'timeout' || this.code === 'internal' || this.code === 'rate_limited';
  }

  /** The message with the field problems the server listed, for a notification. */
  describe(): string {
    if (!this.fields?.length) return this.message;
    return `${this.message} ${this.fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join(' ')}`;
  }
}

export function isControlPlaneError(e: unknown): e is ControlPlaneError {
  return e instanceof ControlPlaneError;
}
