/**
 * The provider's answer about a payment, in the terms our state machine uses. The provider is
 * Stripe (or the sandbox speaking its API); stripe-snapshot.ts maps its objects to these.
 */
export interface ProviderRefund {
  id: string;
  /** The PaymentIntent it refunds. */
  charge: string;
  amount: number;
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Record<string, string>;
}

export interface ProviderCharge {
  /** The PaymentIntent's id (`pi_…`): what a payment records as its provider charge. */
  id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  metadata: Record<string, string>;
  amount_refunded: number;
  refunds: ProviderRefund[];
  created: number;
  /** Set while the customer has to act (authenticate) before the payment can succeed. */
  next_action?: { client_secret: string | null; redirect_url: string | null } | null;
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
