// Typed errors: every failure Hearth expects carries a code a caller can branch on.

export type HearthErrorCode =
  | 'bad_program'
  | 'bad_config'
  | 'bad_input'
  | 'not_found'
  | 'forbidden'
  | 'insufficient_points'
  | 'tier_too_low'
  | 'duplicate'
  | 'delivery_failed'
  | 'rate_limited'
  | 'review_failed'
  | 'storage_failed'
  | 'model_failed';

/** An expected failure with a machine-readable code and a message fit for logs. */
export class HearthError extends Error {
  constructor(
    readonly code: HearthErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HearthError';
  }
}
