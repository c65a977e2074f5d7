/**
 * The sandbox's test cards: Stripe's documented `pm_card_*` ids with their documented
 * behaviour, and our own that misbehave the ways real providers do sooner or later. Using one
 * in a PaymentIntent (or attaching it) makes a new `pm_…` card that keeps its behaviour.
 */
export interface Decline {
  /** The error's `code`: card_declined, expired_card, incorrect_cvc, processing_error… */
  code: string;
  decline_code: string;
  message: string;
}

export interface TestMethod {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  /** Every charge declines this way. */
  decline?: Decline;
  /** Attaching and setting up succeed although charges decline (`pm_card_chargeCustomerFail`). */
  attachesDespiteDecline?: boolean;
  /** Needs 3-D Secure on every payment, or only when it is set up for later use. */
  authentication?: 'always' | 'on_setup';
  /** The first charge of the attached method succeeds, every later one declines. */
  failsAfterFirstCharge?: boolean;
  /** Expires at the end of next month (by the sandbox clock, when it is made). */
  expiresNextMonth?: boolean;
  /** Answer `processing` and settle after SANDBOX_DELAY_MS, or only when a test helper says so. */
  settles?: 'after_delay' | 'manually';
  /** Answer 503 to this many attempts per idempotency key before processing it. */
  failFirstAttempts?: number;
  /** Hang (past any sane client timeout) on the first attempt per idempotency key. */
  hangFirstAttempt?: boolean;
  /** Answer every attempt, but only after SANDBOX_SLOW_MS (a slow, working provider). */
  slow?: boolean;
  /** Answer 429 with Retry-After to this many attempts per idempotency key first. */
  throttleFirstAttempts?: number;
  /** Answer 429 to the first two attempts of every refund of its charges. */
  throttleRefunds?: boolean;
  /** Answer with a redirect to somewhere else instead of processing the payment. */
  redirect?: boolean;
  /** Deliver every webhook of its payments twice (same event id). */
  duplicateWebhooks?: boolean;
  /** Refund half right away and deliver the refund's webhooks before the payment's. */
  refundAndReorderWebhooks?: boolean;
}

export const declines = {
  generic: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  expired: {
    code: 'expired_card',
    decline_code: 'expired_card',
    message: 'Your card has expired.',
  },
  incorrectCvc: {
    code: 'incorrect_cvc',
    decline_code: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  processingError: {
    code: 'processing_error',
    decline_code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  authenticationRequired: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} satisfies Record<string, Decline>;

const visa = { brand: 'visa', last4: '4242', funding: 'credit', country: 'US' } as const;
const declined = (last4: string, decline: Decline): TestMethod => ({ ...visa, last4, decline });

export const testMethods: Record<string, TestMethod> = {
  // Stripe's documented test cards.
  pm_card_visa: visa,
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US' },
  pm_card_visa_debit: { ...visa, last4: '5556', funding: 'debit' },
  pm_card_chargeDeclined: declined('0002', declines.generic),
  pm_card_chargeDeclinedInsufficientFunds: declined('9995', declines.insufficientFunds),
  pm_card_chargeDeclinedExpiredCard: declined('0069', declines.expired),
  pm_card_chargeDeclinedIncorrectCvc: declined('0127', declines.incorrectCvc),
  pm_card_chargeDeclinedProcessingError: declined('0119', declines.processingError),
  pm_card_chargeCustomerFail: {
    ...declined('0341', declines.generic),
    attachesDespiteDecline: true,
  },
  pm_card_authenticationRequired: { ...visa, last4: '3184', authentication: 'always' },
  pm_card_authenticationRequiredOnSetup: { ...visa, last4: '3155', authentication: 'on_setup' },
  // The sandbox's own.
  pm_card_sandbox_failsAfterFirstCharge: { ...visa, last4: '1117', failsAfterFirstCharge: true },
  pm_card_sandbox_expiresNextMonth: { ...visa, last4: '1125', expiresNextMonth: true },
  pm_card_declined: declined('0002', declines.generic),
  pm_card_insufficient_funds: declined('9995', declines.insufficientFunds),
  pm_card_delayed: { ...visa, settles: 'after_delay' },
  pm_card_pending: { ...visa, settles: 'manually' },
  pm_card_provider_error: { ...visa, failFirstAttempts: 2 },
  pm_card_provider_outage: { ...visa, failFirstAttempts: Number.MAX_SAFE_INTEGER },
  pm_card_provider_timeout: { ...visa, hangFirstAttempt: true },
  pm_card_slow: { ...visa, slow: true },
  pm_card_rate_limited: { ...visa, throttleFirstAttempts: 2 },
  pm_card_refunds_rate_limited: { ...visa, throttleRefunds: true },
  pm_card_redirect: { ...visa, redirect: true },
  pm_card_duplicate_webhook: { ...visa, duplicateWebhooks: true },
  pm_card_webhooks_out_of_order: { ...visa, refundAndReorderWebhooks: true },
};

/** The behaviour of a test card by name; a card made outside the table behaves like a Visa. */
export const testMethodOf = (name: string | undefined): TestMethod =>
  (name && testMethods[name]) || visa;
