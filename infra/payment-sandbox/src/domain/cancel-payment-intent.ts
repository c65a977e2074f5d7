import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import { unexpectedState } from '../stripe-errors.js';

const cancellable = new Set([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
]);

/** Cancel a PaymentIntent that has not succeeded; an authorized charge is released in full. */
export function cancelPaymentIntent(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | undefined,
  cause: EventCause,
): Stripe.PaymentIntent {
  if (!cancellable.has(intent.status))
    throw unexpectedState('PaymentIntent', intent.status, 'canceled');
  const events: SandboxEvent[] = [];
  if (intent.status === 'requires_capture') {
    const charge = sandbox.charge(intent.latest_charge as string);
    charge.amount_refunded = charge.amount;
    charge.refunded = true;
    sandbox.store.save(charge);
    events.push(sandbox.event('charge.refunded', charge, cause));
  }
  intent.status = 'canceled';
  intent.canceled_at = Math.floor(Date.now() / 1000);
  intent.cancellation_reason = reason ?? null;
  intent.amount_capturable = 0;
  intent.next_action = null;
  sandbox.store.save(intent);
  events.push(sandbox.event('payment_intent.canceled', intent, cause));
  sandbox.publish(intent.id, events, sandbox.copiesFor(intent.payment_method as string | null));
  return intent;
}
