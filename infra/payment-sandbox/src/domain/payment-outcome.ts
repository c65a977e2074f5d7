import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import { chargeFailed, chargeSucceeded, type SandboxCharge } from '../objects/charge.js';
import type { Sandbox } from '../sandbox.js';
import type { Decline } from '../test-methods.js';
import { attachPaymentMethod } from './attach-payment-method.js';

/**
 * The charge went through: the intent succeeds (or waits for its capture), the card counts
 * one more charge, and a card to be set up for later is attached to the customer.
 */
export function paymentSucceeded(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  charge: SandboxCharge,
  cause: EventCause,
): SandboxEvent[] {
  const manual = intent.capture_method === 'manual';
  chargeSucceeded(charge, !manual);
  intent.status = manual ? 'requires_capture' : 'succeeded';
  intent.amount_capturable = manual ? intent.amount : 0;
  intent.amount_received = manual ? 0 : intent.amount;
  intent.last_payment_error = null;
  intent.next_action = null;
  intent.processing = null;
  const methodId = charge.payment_method!;
  const internals = sandbox.store.internalsOf(methodId);
  const method = sandbox.paymentMethod(methodId);
  sandbox.store.save(method, { ...internals, chargesMade: (internals.chargesMade ?? 0) + 1 });
  const events: SandboxEvent[] = [];
  if (intent.setup_future_usage && typeof intent.customer === 'string' && !method.customer)
    events.push(...attachPaymentMethod(sandbox, method, sandbox.customer(intent.customer), cause));
  sandbox.store.save(charge);
  sandbox.store.save(intent);
  events.push(
    sandbox.event('charge.succeeded', charge, cause),
    sandbox.event(
      manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded',
      intent,
      cause,
    ),
  );
  return events;
}

/**
 * The charge was declined: the intent goes back to `requires_payment_method` with the decline
 * in `last_payment_error` (and, as Stripe does, without its payment method).
 */
export function paymentFailed(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  charge: SandboxCharge,
  decline: Decline,
  cause: EventCause,
): SandboxEvent[] {
  chargeFailed(charge, decline);
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.processing = null;
  intent.last_payment_error = {
    type: 'card_error',
    code: decline.code as Stripe.PaymentIntent.LastPaymentError.Code,
    decline_code: decline.decline_code,
    message: decline.message,
    charge: charge.id,
    doc_url: `https://docs.stripe.com/error-codes/${decline.code.replaceAll('_', '-')}`,
    payment_method: sandbox.paymentMethod(charge.payment_method!),
    payment_method_type: 'card',
  };
  intent.payment_method = null;
  sandbox.store.save(charge);
  sandbox.store.save(intent);
  return [
    sandbox.event('charge.failed', charge, cause),
    sandbox.event('payment_intent.payment_failed', intent, cause),
  ];
}
