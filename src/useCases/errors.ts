/** The two ways a use case stops short: the user dismissed a prompt, or the request cannot be done as asked. */

/** The user dismissed a prompt: the command stops without an error message. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'Cancelled';
  }
}

/**
 * An error a use case raises itself, with a stable code like the API's. `fields` maps a form field to what is wrong
 * with it (the form shows each under its field; a notification says the message once).
 */
export class UseCaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'UseCaseError';
  }
}
