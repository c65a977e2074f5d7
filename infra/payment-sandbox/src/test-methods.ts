/**
 * The sandbox's test payment methods, each a behaviour a real provider shows sooner or later.
 * `immediate` is what the charge request answers; webhooks always follow.
 */
export interface TestMethod {
  /** The charge's outcome; `failed` carries a failure code. */
  outcome: 'succeeded' | { failed: string };
  /** Answer `pending` and settle after SANDBOX_DELAY_MS, or only when a test helper says so. */
  settles?: 'after_delay' | 'manually';
  /** Answer 503 to this many attempts per idempotency key before processing it. */
  failFirstAttempts?: number;
  /** Hang (past any sane client timeout) on the first attempt per idempotency key. */
  hangFirstAttempt?: boolean;
  /** Answer every attempt, but only after SANDBOX_SLOW_MS (a slow, working provider). */
  slow?: boolean;
  /** Answer 429 with Retry-After to this many attempts per idempotency key first. */
  throttleFirstAttempts?: number;
  /** Answer 429 to the first two attempts of every refund of this charge. */
  throttleRefunds?: boolean;
  /** Answer with a redirect to somewhere else instead of processing the charge. */
  redirect?: boolean;
  /** Deliver every webhook of this charge twice (same event id). */
  duplicateWebhooks?: boolean;
  /** Refund half right away and deliver this charge's webhooks newest first. */
  refundAndReorderWebhooks?: boolean;
}

export const testMethods: Record<string, TestMethod> = {
  pm_card_visa: { outcome: 'succeeded' },
  pm_card_mastercard: { outcome: 'succeeded' },
  pm_card_declined: { outcome: { failed: 'card_declined' } },
  pm_card_insufficient_funds: { outcome: { failed: 'insufficient_funds' } },
  pm_card_delayed: { outcome: 'succeeded', settles: 'after_delay' },
  pm_card_pending: { outcome: 'succeeded', settles: 'manually' },
  pm_card_provider_error: { outcome: 'succeeded', failFirstAttempts: 2 },
  pm_card_provider_outage: { outcome: 'succeeded', failFirstAttempts: Number.MAX_SAFE_INTEGER },
  pm_card_provider_timeout: { outcome: 'succeeded', hangFirstAttempt: true },
  pm_card_slow: { outcome: 'succeeded', slow: true },
  pm_card_rate_limited: { outcome: 'succeeded', throttleFirstAttempts: 2 },
  pm_card_refunds_rate_limited: { outcome: 'succeeded', throttleRefunds: true },
  pm_card_redirect: { outcome: 'succeeded', redirect: true },
  pm_card_duplicate_webhook: { outcome: 'succeeded', duplicateWebhooks: true },
  pm_card_webhooks_out_of_order: { outcome: 'succeeded', refundAndReorderWebhooks: true },
};

/** Any other method is declined as a real provider declines an unknown card. */
export const unknownMethod: TestMethod = { outcome: { failed: 'invalid_payment_method' } };
