import type Stripe from 'stripe';
import type { ProviderCharge, ProviderRefund } from './provider-types.js';

/** A PaymentIntent that is not settled yet: it may still succeed (or needs the customer). */
const UNSETTLED = new Set([
  'processing',
  'requires_action',
  'requires_capture',
  'requires_confirmation',
]);

function statusOf(intent: Stripe.PaymentIntent): ProviderCharge['status'] {
  if (intent.status === 'succeeded') return 'succeeded';
  if (UNSETTLED.has(intent.status)) return 'pending';
  // `requires_payment_method` after a confirmation is a declined attempt; `canceled` is final.
  // (Every PaymentIntent we create is confirmed at once, so never the fresh, untried kind.)
  return 'failed';
}

function failureCodeOf(intent: Stripe.PaymentIntent): string | null {
  if (statusOf(intent) !== 'failed') return null;
  const error = intent.last_payment_error;
  // The issuer's reason when it gave one (insufficient_funds); a generic decline reads as
  // the decline it is (card_declined), as our customers and integrators always saw it.
  const declineCode = error?.decline_code === 'generic_decline' ? undefined : error?.decline_code;
  return (
    declineCode ??
    error?.code ??
    (intent.status === 'canceled'
      ? `canceled_${intent.cancellation_reason ?? 'by_merchant'}`
      : null) ??
    'failed'
  );
}

export function refundSnapshot(refund: Stripe.Refund): ProviderRefund {
  return {
    id: refund.id,
    charge:
      typeof refund.payment_intent === 'string'
        ? refund.payment_intent
        : (refund.payment_intent?.id ?? ''),
    amount: refund.amount,
    status:
      refund.status === 'succeeded'
        ? 'succeeded'
        : refund.status === 'failed' || refund.status === 'canceled'
          ? 'failed'
          : 'pending',
    metadata: refund.metadata ?? {},
  };
}

/**
 * Our view of one payment at the provider: a PaymentIntent (its id is what a payment records)
 * and, when they were read, its refunds. Without them (a payment_intent.* webhook) the refunds
 * are empty, which the state machine reads as "nothing new": it only ever moves forward.
 */
export function chargeSnapshot(
  intent: Stripe.PaymentIntent,
  refunds: readonly Stripe.Refund[] = [],
): ProviderCharge {
  const latest = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const succeededRefunds = refunds.filter((r) => r.status === 'succeeded');
  return {
    id: intent.id,
    amount: intent.amount,
    currency: intent.currency,
    status: statusOf(intent),
    failure_code: failureCodeOf(intent),
    metadata: intent.metadata ?? {},
    amount_refunded:
      refunds.length > 0
        ? succeededRefunds.reduce((sum, r) => sum + r.amount, 0)
        : (latest?.amount_refunded ?? 0),
    refunds: refunds.map(refundSnapshot),
    created: intent.created,
    next_action: nextActionOf(intent),
  };
}

/** What the customer must do to finish an intent that needs them (3-D Secure and the like). */
function nextActionOf(intent: Stripe.PaymentIntent): ProviderCharge['next_action'] {
  if (intent.status !== 'requires_action') return null;
  return {
    client_secret: intent.client_secret,
    redirect_url: intent.next_action?.redirect_to_url?.url ?? null,
  };
}
