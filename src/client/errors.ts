import type { ErrorCode, FieldError, ResourceUse } from '../api/common';

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
    /** What an `in_use` or `not_visible` refusal names (consumers, connections), so a form can link to each. */
    readonly uses?: ResourceUse[],
  ) {
    super(message);
    this.name = 'ControlPlaneError';
  }

  /** Whether trying again later could work (the commands then offer Retry). */
  get retryable(): boolean {
    return this.code === 'unreachable' || this.code === 'timeout' || this.code === 'internal' || this.code === 'rate_limited';
  }

  /**
   * The message with the field problems the server listed, for a notification: each said once (a field problem that
   * repeats the message is not added again), and without the request's field paths, which are not the user's words.
   */
  describe(): string {
    const more = [...new Set((this.fields ?? []).map((f) => f.message))].filter((m) => m && !this.message.includes(m));
    return [this.message, ...more].join(' ');
  }
}

export function isControlPlaneError(e: unknown): e is ControlPlaneError {
  return e instanceof ControlPlaneError;
}
