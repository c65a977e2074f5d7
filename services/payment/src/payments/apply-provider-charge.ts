import { randomUUID } from 'node:crypto';
import { enqueueEvent } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import type { ProviderCharge } from '../provider/provider-types.js';
import { planChargeUpdate, planChangesNothing, type PaymentStatus } from './charge-plan.js';
import { lockPayment } from './lock-payment.js';
import {
  chargeFailed,
  chargeRefunded,
  chargeSucceeded,
  orderActionRequired,
} from './payment-events.js';
import { ORDER_CANCELLED } from './order-cancelled-reason.js';
import { ensureCancellationRefund } from './refunds.js';

type Tx = Prisma.TransactionClient;

/** A settled payment asks nothing of its customer any more. */
const noAction = { actionUrl: null, actionClientSecret: null };

/** The reason a payment failed, as recorded: its order's cancellation when that came first. */
const failureReasonOf = (payment: { orderCancelled: boolean }, reason: string) =>
  payment.orderCancelled ? ORDER_CANCELLED : reason;

export interface ApplyResult {
  changed: boolean;
  /** Refunds created here that should now be sent to the provider (after commit). */
  refundsToExecute: string[];
}

/**
 * Bring a payment in line with the provider's snapshot of its charge, under the payment's lock,
 * announcing each change in the same transaction: payment.succeeded / failed / action_required /
 * refunded for an order's payment, payment.billing_charge_succeeded / failed / refunded for a
 * subscription charge (payment-events.ts picks by purpose).
 */
export async function applyProviderCharge(
  tx: Tx,
  paymentId: string,
  charge: ProviderCharge,
): Promise<ApplyResult> {
  const payment = await lockPayment(tx, { id: paymentId });
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  const plan = planChargeUpdate(
    {
      ...payment,
      status: payment.status as PaymentStatus,
      offSession: payment.purpose === 'subscription',
    },
    payment.refunds,
    charge,
  );
  let current = payment;
  if (!payment.providerChargeId || plan.status) {
    current = {
      ...payment,
      ...(await tx.payment.update({
        where: { id: paymentId },
        data: {
          providerChargeId: charge.id,
          ...(plan.status?.to === 'succeeded'
            ? { status: 'succeeded', failureReason: null, lastProviderError: null, ...noAction }
            : {}),
          ...(plan.status?.to === 'failed'
            ? {
                status: 'failed',
                failureReason: failureReasonOf(payment, plan.status.reason),
                ...noAction,
              }
            : {}),
          ...(plan.status?.to === 'requires_action'
            ? {
                status: 'requires_action',
                actionUrl: plan.status.url,
                actionClientSecret: plan.status.clientSecret,
              }
            : {}),
        },
      })),
    };
  }
  if (plan.status?.to === 'succeeded') await enqueueEvent(tx, chargeSucceeded(current, charge.id));
  // Not for a payment whose order is cancelled: its customer was told once, by order.cancelled
  // (see PaymentProcessor.fail) — e.g. an authentication abandoned until the order expired.
  if (plan.status?.to === 'failed' && !payment.orderCancelled)
    await enqueueEvent(tx, chargeFailed(current, plan.status.reason));
  if (plan.status?.to === 'requires_action')
    await enqueueEvent(tx, orderActionRequired(current, plan.status.url));

  let refunded = current.amountRefundedMinor;
  const refunds = [...payment.refunds];
  for (const done of plan.refundsSucceeded) {
    const refund = await tx.paymentRefund.update({
      where: { id: done.refundId },
      data: {
        status: 'succeeded',
        providerRefundId: done.providerRefundId,
        lastProviderError: null,
      },
    });
    refunded += refund.amountMinor;
    refunds.splice(
      refunds.findIndex((r) => r.id === refund.id),
      1,
      refund,
    );
    await enqueueEvent(tx, chargeRefunded(current, refund, refunded));
  }
  for (const found of plan.refundsDiscovered) {
    const refund = await tx.paymentRefund.create({
      data: {
        id: randomUUID(),
        paymentId,
        amountMinor: found.amountMinor,
        status: 'succeeded',
        reason: found.reason,
        requestedBy: 'provider',
        providerRefundId: found.providerRefundId,
      },
    });
    refunded += refund.amountMinor;
    refunds.push(refund);
    await enqueueEvent(tx, chargeRefunded(current, refund, refunded));
  }
  if (refunded !== current.amountRefundedMinor)
    await tx.payment.update({ where: { id: paymentId }, data: { amountRefundedMinor: refunded } });

  // Still under the lock taken above: the payment as this transaction has just left it.
  const cancellationRefund = await ensureCancellationRefund(tx, {
    ...current,
    amountRefundedMinor: refunded,
    refunds,
  });
  return {
    changed: !planChangesNothing(plan),
    refundsToExecute: cancellationRefund ? [cancellationRefund] : [],
  };
}
