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

/** The provider could not be reached or failed (5xx, timeout): safe to retry, same key. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

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
