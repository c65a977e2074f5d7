/** The provider's objects as its API and webhooks carry them (a Stripe-like shape). */
export interface ProviderRefund {
  id: string;
  charge: string;
  amount: number;
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Record<string, string>;
}

export interface ProviderCharge {
  id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  metadata: Record<string, string>;
  amount_refunded: number;
  refunds: ProviderRefund[];
  created: number;
}

export interface ProviderEvent {
  id: string;
  type: string;
  created: number;
  data: { object: ProviderCharge };
}

/**
 * The provider could not be reached, failed (5xx, timeout) or asked us to come back later
 * (408, 409, 425, 429): safe to retry with the same idempotency key.
 */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  /** Marks it for the event consumer: retried, never dead-lettered. */
  readonly transient = true;
  constructor(
    message: string,
    /** How long the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Statuses that mean "not now" rather than "no": a timeout, a concurrent request, rate limits. */
export const RETRYABLE_CLIENT_STATUSES = new Set([408, 409, 425, 429]);

/** The provider refused the request (4xx) or answered something we never follow (3xx). */
export class ProviderRejectedError extends Error {
  override name = 'ProviderRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
