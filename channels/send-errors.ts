/**
 * How a provider refused a send. Permanent failures (window closed, recipient unreachable, bad
 * token) are shown on the message and never retried; retryable ones go back to the activity's
 * retry policy, with the provider's hint when it gave one.
 */
export class PermanentSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly providerCode?: number | string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

export class RetryableSendError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly providerCode?: number | string,
  ) {
    super(message);
    this.name = 'RetryableSendError';
  }
}
