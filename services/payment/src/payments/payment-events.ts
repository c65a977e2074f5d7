import { createEvent } from '@switchyard/contracts';
import type { Payment } from '../generated/prisma/client.js';

/**
 * The events a payment's changes are announced as. Which events depends on what the payment is
 * for: an order's are payment.succeeded / failed / action_required / refunded (the order service
 * and integrators read those as "this order"), a subscription charge's are
 * payment.billing_charge_succeeded / failed / refunded (billing's). Every settling path goes
 * through `chargeSucceeded`, `chargeFailed` and `chargeRefunded`, so none can announce a
 * subscription charge as an order payment.
 */

const money = (amount: number, currency: string) => ({ amount, currency });

type OrderPayment = Payment & { orderId: string };
type SubscriptionPayment = Payment & { subscriptionId: string };

const isSubscription = (p: Payment): p is SubscriptionPayment =>
  p.purpose === 'subscription' && p.subscriptionId !== null;

function asOrderPayment(p: Payment): OrderPayment {
  // The migration's CHECK makes this unreachable; a broken row must not become a wrong event.
  if (p.purpose !== 'order' || p.orderId === null)
    throw new Error(`payment ${p.id} is not an order payment (purpose ${p.purpose})`);
  return p as OrderPayment;
}

const orderCommon = (p: OrderPayment) => ({
  paymentId: p.id,
  orderId: p.orderId,
  userId: p.userId,
  amount: money(p.amountMinor, p.currency),
});

/** Keyed by the subscription: billing sees one subscription's charges in order. */
const billingCommon = (p: SubscriptionPayment) => ({
  paymentId: p.id,
  chargeId: p.id,
  subscriptionId: p.subscriptionId,
  userId: p.userId,
  amount: money(p.amountMinor, p.currency),
});

export function chargeSucceeded(p: Payment, providerChargeId: string) {
  if (isSubscription(p))
    return createEvent('payment.billing_charge_succeeded', {
      source: 'payment',
      subject: p.subscriptionId,
      data: { ...billingCommon(p), providerChargeId },
    });
  const order = asOrderPayment(p);
  return createEvent('payment.succeeded', {
    source: 'payment',
    subject: order.orderId,
    data: { ...orderCommon(order), providerChargeId },
  });
}

export function chargeFailed(p: Payment, reason: string) {
  if (isSubscription(p))
    return createEvent('payment.billing_charge_failed', {
      source: 'payment',
      subject: p.subscriptionId,
      data: { ...billingCommon(p), reason },
    });
  const order = asOrderPayment(p);
  return createEvent('payment.failed', {
    source: 'payment',
    subject: order.orderId,
    data: { ...orderCommon(order), reason },
  });
}

export function chargeRefunded(
  p: Payment,
  refund: { id: string; amountMinor: number; reason: string },
  totalRefundedMinor: number,
) {
  if (isSubscription(p))
    return createEvent('payment.billing_charge_refunded', {
      source: 'payment',
      subject: p.subscriptionId,
      data: {
        ...billingCommon(p),
        refundId: refund.id,
        refunded: money(refund.amountMinor, p.currency),
        totalRefunded: money(totalRefundedMinor, p.currency),
        reason: refund.reason,
      },
    });
  const order = asOrderPayment(p);
  return createEvent('payment.refunded', {
    source: 'payment',
    subject: order.orderId,
    data: {
      paymentId: p.id,
      orderId: order.orderId,
      userId: p.userId,
      refundId: refund.id,
      amount: money(refund.amountMinor, p.currency),
      totalRefunded: money(totalRefundedMinor, p.currency),
      captured: money(p.amountMinor, p.currency),
      reason: refund.reason,
    },
  });
}

/**
 * Only an order payment ever waits for its customer: a subscription charge is off-session, and
 * one that needs the customer fails (authentication_required) instead — see applyProviderCharge.
 */
export function orderActionRequired(p: Payment, actionUrl: string | null) {
  const order = asOrderPayment(p);
  return createEvent('payment.action_required', {
    source: 'payment',
    subject: order.orderId,
    data: { ...orderCommon(order), actionUrl },
  });
}
