import { randomUUID } from 'node:crypto';
import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import {
  PAYMENT_SERVICE,
  paymentTarget,
  recordPaymentEvent,
} from '../audit/record-payment-event.js';
import type { Prisma } from '../generated/prisma/client.js';
import { isOrderCancelled } from './is-order-cancelled.js';
import { lockPayment, type LockedPayment } from './lock-payment.js';

type Tx = Prisma.TransactionClient;

const CANCELLATION_KEY = 'order-cancelled';

/** What may still be refunded: captured, minus refunded, minus refunds under way. */
export function refundable(payment: LockedPayment): number {
  if (payment.status !== 'succeeded') return 0;
  const underWay = payment.refunds
    .filter((r) => r.status === 'pending')
    .reduce((sum, r) => sum + r.amountMinor, 0);
  return payment.amountMinor - payment.amountRefundedMinor - underWay;
}

/**
 * An admin's refund request, recorded as pending (the provider is asked after commit) and in the
 * trail (`payment.refund_requested`: who, the amount, the reason). Under the payment's lock, so
 * two concurrent requests can never together exceed what was captured. The Idempotency-Key
 * makes a retried request return the first refund instead of a second one (recorded once).
 */
export async function requestRefund(
  tx: Tx,
  input: {
    paymentId: string;
    amountMinor?: number;
    currency?: string;
    reason: string;
    requestedBy: string;
    idempotencyKey: string;
  },
  by: AuditContext,
) {
  const payment = await lockPayment(tx, { id: input.paymentId });
  if (!payment) throw new AppError('NOT_FOUND', 'payment not found');
  const earlier = payment.refunds.find((r) => r.idempotencyKey === input.idempotencyKey);
  if (earlier) {
    if (input.amountMinor !== undefined && input.amountMinor !== earlier.amountMinor)
      throw new AppError('UNPROCESSABLE', 'this Idempotency-Key was used for another refund');
    return { refund: earlier, replayed: true };
  }
  if (payment.status !== 'succeeded')
    throw new AppError('CONFLICT', `payment is ${payment.status}; only captured money is refunded`);
  if (input.currency && input.currency !== payment.currency)
    throw new AppError('UNPROCESSABLE', `payment is in ${payment.currency}, not ${input.currency}`);
  const left = refundable(payment);
  const amount = input.amountMinor ?? left;
  if (left <= 0) throw new AppError('UNPROCESSABLE', 'nothing is left to refund on this payment');
  if (amount > left)
    throw new AppError(
      'UNPROCESSABLE',
      `refund of ${amount} exceeds the ${left} ${payment.currency} minor units left to refund`,
    );
  const refund = await tx.paymentRefund.create({
    data: {
      id: randomUUID(),
      paymentId: payment.id,
      amountMinor: amount,
      status: 'pending',
      reason: input.reason,
      requestedBy: input.requestedBy,
      idempotencyKey: input.idempotencyKey,
    },
  });
  await recordRefundRequested(tx, by, payment, refund, {});
  return { refund, replayed: false };
}

/**
 * The saga's last compensation: a payment whose order was cancelled (expired, cancelled by the
 * customer) must give back whatever it captured — also when the money arrives after the
 * cancellation. The cancellation counts whether the payment's flag records it or only the
 * tombstone does (it was recorded before this payment row existed: a charge that slipped past
 * it is refunded too). Creates (once per payment) a pending refund of what is left; returns its
 * id. `payment` is the payment as the caller's transaction now has it, under the payment's lock
 * the caller holds (lockPayment, once per transaction): its refunds and amounts as just changed.
 */
export async function ensureCancellationRefund(
  tx: Tx,
  payment: LockedPayment,
): Promise<string | null> {
  // A subscription charge has no order to be cancelled: billing asks for its refunds itself.
  if (payment.purpose !== 'order') return null;
  if (payment.refunds.some((r) => r.idempotencyKey === CANCELLATION_KEY)) return null;
  const left = refundable(payment);
  // Only money captured asks whether the order is gone (the tombstone costs a query).
  if (left <= 0 || !(await isOrderCancelled(tx, payment))) return null;
  const refund = await tx.paymentRefund.create({
    data: {
      id: randomUUID(),
      paymentId: payment.id,
      amountMinor: left,
      status: 'pending',
      reason: 'order_cancelled',
      requestedBy: 'system',
      idempotencyKey: CANCELLATION_KEY,
    },
  });
  // Who cancelled is the order's business; its reason says it ("cancelled by customer").
  const cancellation = await tx.orderCancellation.findUnique({
    where: { orderId: payment.orderId! },
    select: { reason: true },
  });
  await recordRefundRequested(tx, PAYMENT_SERVICE, payment, refund, {
    trigger: 'order.cancelled',
    cancelReason: cancellation?.reason ?? null,
    customerId: payment.userId,
  });
  return refund.id;
}

/** A refund asked for: who, how much of which payment, why (the provider is asked after). */
function recordRefundRequested(
  tx: Tx,
  by: AuditContext,
  payment: LockedPayment,
  refund: { id: string; amountMinor: number; reason: string },
  details: Record<string, unknown>,
) {
  return recordPaymentEvent(tx, by, {
    action: 'payment.refund_requested',
    target: paymentTarget(payment.id),
    details: {
      refundId: refund.id,
      amount: { amount: refund.amountMinor, currency: payment.currency },
      reason: refund.reason,
      orderId: payment.orderId,
      ...details,
    },
  });
}
