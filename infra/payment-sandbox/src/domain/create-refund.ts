import type Stripe from 'stripe';
import type { EventCause, SandboxEvent } from '../events.js';
import type { SandboxCharge } from '../objects/charge.js';
import { newRefund } from '../objects/refund.js';
import type { Sandbox } from '../sandbox.js';
import { invalidRequest } from '../stripe-errors.js';

/** Refund part or (by default) the rest of a captured charge. */
export function createRefund(
  sandbox: Sandbox,
  input: {
    charge: SandboxCharge;
    amount?: number;
    metadata?: Record<string, string>;
    reason?: Stripe.Refund.Reason;
    cause: EventCause;
  },
): { refund: Stripe.Refund; events: SandboxEvent[] } {
  const { charge } = input;
  if (charge.status !== 'succeeded' || !charge.captured)
    throw invalidRequest(
      charge.status === 'succeeded'
        ? `Charge ${charge.id} has not been captured: cancel its PaymentIntent to release it.`
        : `Charge ${charge.id} has not succeeded (it is ${charge.status}), so it cannot be refunded.`,
      { code: 'charge_not_refundable' },
    );
  const left = charge.amount_captured - charge.amount_refunded;
  if (left === 0)
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  const amount = input.amount ?? left;
  if (amount > left)
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  const refund = newRefund({
    charge,
    amount,
    metadata: input.metadata ?? {},
    reason: input.reason ?? null,
  });
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount_captured;
  sandbox.store.save(refund);
  sandbox.store.save(charge);
  return {
    refund,
    events: [
      sandbox.event('refund.created', refund, input.cause),
      sandbox.event('charge.refunded', charge, input.cause),
    ],
  };
}
