import type Stripe from 'stripe';
import type { Sandbox } from '../sandbox.js';
import { attemptPayment, type AttemptOptions } from './attempt-payment.js';
import { createRefund } from './create-refund.js';
import { scheduleSettlement } from './settle-payment.js';

/**
 * Confirm a PaymentIntent and publish what happened: an attempt (attempt-payment.ts), then what
 * its test card adds — a settlement later, or (`pm_card_webhooks_out_of_order`) half refunded
 * at once with the refund's webhooks sent before the payment's. Throws the 402 of a decline
 * after its webhooks are queued.
 */
export function confirmPaymentIntent(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  options: AttemptOptions,
): Stripe.PaymentIntent {
  // The card of this attempt (a decline takes it off the intent).
  const card = sandbox.testMethodOf(intent.payment_method as string | null);
  const attempt = attemptPayment(sandbox, intent, options);
  let events = attempt.events;
  if (intent.status === 'processing') scheduleSettlement(sandbox, intent);
  if (intent.status === 'succeeded' && card.refundAndReorderWebhooks) {
    const charge = sandbox.charge(intent.latest_charge as string);
    const refund = createRefund(sandbox, {
      charge,
      amount: Math.floor(charge.amount / 2),
      metadata: { reason: 'sandbox_out_of_order' },
      cause: options.cause,
    });
    events = [...refund.events, ...events];
  }
  sandbox.publish(intent.id, events, card.duplicateWebhooks ? 2 : 1);
  if (attempt.error) throw attempt.error;
  return intent;
}
