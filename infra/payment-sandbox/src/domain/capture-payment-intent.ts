import type Stripe from 'stripe';
import type { EventCause } from '../events.js';
import type { Sandbox } from '../sandbox.js';
import { invalidRequest, unexpectedState } from '../stripe-errors.js';

/** Capture an authorized payment (`capture_method=manual`), all of it or less. */
export function capturePaymentIntent(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  amountToCapture: number | undefined,
  cause: EventCause,
): Stripe.PaymentIntent {
  if (intent.status !== 'requires_capture')
    throw unexpectedState('PaymentIntent', intent.status, 'captured');
  const amount = amountToCapture ?? intent.amount_capturable;
  if (amount > intent.amount_capturable)
    throw invalidRequest(
      `The amount to capture (${amount}) is greater than the amount capturable (${intent.amount_capturable}).`,
      { code: 'amount_too_large', param: 'amount_to_capture' },
    );
  const charge = sandbox.charge(intent.latest_charge as string);
  charge.captured = true;
  charge.amount_captured = amount;
  intent.status = 'succeeded';
  intent.amount_received = amount;
  intent.amount_capturable = 0;
  sandbox.store.save(charge);
  sandbox.store.save(intent);
  sandbox.publish(
    intent.id,
    [
      sandbox.event('charge.captured', charge, cause),
      sandbox.event('payment_intent.succeeded', intent, cause),
    ],
    sandbox.copiesFor(charge.payment_method),
  );
  return intent;
}
