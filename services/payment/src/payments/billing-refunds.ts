import type { EventEnvelope } from '@switchyard/contracts';
import type { Prisma } from '../generated/prisma/client.js';
import { lockPayment, type LockedPayment } from './lock-payment.js';
import { refundable } from './refunds.js';

type Tx = Prisma.TransactionClient;
type RefundRequest = EventEnvelope<'billing.refund_requested'>['data'];

/** Why a refund billing asked for was refused without asking the provider. */
export type RefundRejection =
  /** No subscription charge has this id (never requested, or an order's payment). */
  | 'unknown_charge'
  /** The charge belongs to another subscription or user than the request says. */
  | 'not_this_subscription'
  /** The charge did not capture money (failed, or still pending). */
  | 'charge_not_succeeded'
  | 'currency_mismatch'
  /** More than is left to refund (captured − refunded − refunds under way). */
  | 'exceeds_refundable'
  /** The refund id is already another charge's refund. */
  | 'refund_id_reused';

export type BillingRefundOutcome =
  /** Recorded (now or by an earlier delivery) and not yet confirmed: send it to the provider. */
  | { kind: 'pending'; refundId: string }
  /** Done already (an earlier delivery): nothing to do. */
  | { kind: 'settled'; refundId: string }
  | { kind: 'rejected'; reason: RefundRejection; detail: string; replayed: boolean };

/**
 * A refund billing asks for on one of its charges, recorded as a pending refund whose id is
 * billing's refundId — the provider's idempotency key, so however often it is asked, the
 * provider refunds once. Under the payment's lock, so concurrent refunds never together exceed
 * what was captured. A request that cannot be right is recorded as rejected (once, by its id)
 * and never sent: the contracts have no event for it, so the caller logs and counts it.
 */
export async function recordBillingRefund(
  tx: Tx,
  request: RefundRequest,
): Promise<BillingRefundOutcome> {
  const earlierRejection = await tx.rejectedRefundRequest.findUnique({
    where: { refundId: request.refundId },
  });
  if (earlierRejection)
    return {
      kind: 'rejected',
      reason: earlierRejection.reason as RefundRejection,
      detail: earlierRejection.detail,
      replayed: true,
    };
  const payment = await lockPayment(tx, { id: request.chargeId });
  const earlier = payment?.refunds.find((r) => r.id === request.refundId);
  if (earlier)
    return earlier.status === 'pending'
      ? { kind: 'pending', refundId: earlier.id }
      : { kind: 'settled', refundId: earlier.id };
  const rejection =
    rejectionOf(payment, request) ??
    ((await tx.paymentRefund.findUnique({ where: { id: request.refundId } }))
      ? { reason: 'refund_id_reused' as const, detail: 'the refund id is another charge’s refund' }
      : null);
  if (rejection) {
    await tx.rejectedRefundRequest.create({
      data: {
        refundId: request.refundId,
        chargeId: request.chargeId,
        subscriptionId: request.subscriptionId,
        amountMinor: request.amount.amount,
        currency: request.amount.currency,
        ...rejection,
      },
    });
    return { kind: 'rejected', ...rejection, replayed: false };
  }
  await tx.paymentRefund.create({
    data: {
      id: request.refundId,
      paymentId: request.chargeId,
      amountMinor: request.amount.amount,
      status: 'pending',
      reason: request.reason,
      requestedBy: 'billing',
    },
  });
  return { kind: 'pending', refundId: request.refundId };
}

function rejectionOf(
  payment: LockedPayment | null,
  request: RefundRequest,
): { reason: RefundRejection; detail: string } | null {
  if (!payment || payment.purpose !== 'subscription')
    return { reason: 'unknown_charge', detail: `no subscription charge ${request.chargeId}` };
  if (payment.subscriptionId !== request.subscriptionId || payment.userId !== request.userId)
    return {
      reason: 'not_this_subscription',
      detail: 'the charge belongs to another subscription or user',
    };
  if (payment.status !== 'succeeded')
    return { reason: 'charge_not_succeeded', detail: `the charge is ${payment.status}` };
  if (payment.currency !== request.amount.currency)
    return {
      reason: 'currency_mismatch',
      detail: `the charge is in ${payment.currency}, not ${request.amount.currency}`,
    };
  const left = refundable(payment);
  if (request.amount.amount > left)
    return {
      reason: 'exceeds_refundable',
      detail: `refund of ${request.amount.amount} exceeds the ${left} ${payment.currency} minor units left`,
    };
  return null;
}
