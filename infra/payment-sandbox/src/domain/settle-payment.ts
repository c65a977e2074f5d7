import type Stripe from 'stripe';
import { automatic, type EventCause } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import { unexpectedState } from '../stripe-errors.js';
import { declines } from '../test-methods.js';
import { paymentFailed, paymentSucceeded } from './payment-outcome.js';

/** A `processing` payment (an asynchronous test card) settles and says so with webhooks. */
export function settlePayment(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  outcome: 'succeeded' | 'failed',
  cause: EventCause = automatic,
): void {
  if (intent.status !== 'processing')
    throw unexpectedState('PaymentIntent', intent.status, 'settled');
  const charge = sandbox.charge(intent.latest_charge as string);
  const events =
    outcome === 'succeeded'
      ? paymentSucceeded(sandbox, intent, charge, cause)
      : paymentFailed(sandbox, intent, charge, declines.generic, cause);
  sandbox.publish(intent.id, events, sandbox.copiesFor(charge.payment_method));
}

/**
 * Settle this `processing` payment when its card's delay is over (at once if it already is):
 * the promise to settle outlives a restart, as the journal keeps the payment.
 */
export function scheduleSettlement(sandbox: Sandbox, intent: Stripe.PaymentIntent): void {
  const charge = sandbox.charge(intent.latest_charge as string);
  if (sandbox.testMethodOf(charge.payment_method).settles !== 'after_delay') return;
  const dueInMs = charge.created_ms + sandbox.config.SANDBOX_DELAY_MS - Date.now();
  setTimeout(
    () => {
      if (sandbox.closing.aborted || intent.status !== 'processing') return;
      settlePayment(sandbox, intent, 'succeeded');
    },
    Math.max(0, dueInMs),
  ).unref();
}
