import { createEvent } from '@switchyard/contracts';
import type { Payment } from '../generated/prisma/client.js';

const money = (amount: number, currency: string) => ({ amount, currency });
const common = (p: Payment) => ({
  paymentId: p.id,
  orderId: p.orderId,
  userId: p.userId,
  amount: money(p.amountMinor, p.currency),
});

export const paymentSucceeded = (p: Payment, providerChargeId: string) =>
  createEvent('payment.succeeded', {
    source: 'payment',
    subject: p.orderId,
    data: { ...common(p), providerChargeId },
  });

export const paymentFailed = (p: Payment, reason: string) =>
  createEvent('payment.failed', {
    source: 'payment',
    subject: p.orderId,
    data: { ...common(p), reason },
  });

export const paymentRefunded = (
  p: Payment,
  refund: { id: string; amountMinor: number; reason: string },
  totalRefundedMinor: number,
) =>
  createEvent('payment.refunded', {
    source: 'payment',
    subject: p.orderId,
    data: {
      paymentId: p.id,
      orderId: p.orderId,
      userId: p.userId,
      refundId: refund.id,
      amount: money(refund.amountMinor, p.currency),
      totalRefunded: money(totalRefundedMinor, p.currency),
      captured: money(p.amountMinor, p.currency),
      reason: refund.reason,
    },
  });

export const paymentActionRequired = (p: Payment, actionUrl: string | null) =>
  createEvent('payment.action_required', {
    source: 'payment',
    subject: p.orderId,
    data: { ...common(p), actionUrl },
  });
