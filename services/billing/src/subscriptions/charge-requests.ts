import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import type { Prisma, Subscription, SubscriptionCharge } from '../generated/prisma/client.js';
import { chargeIdOf } from './charge-id.js';

type Tx = Prisma.TransactionClient;

export interface ChargeRequest {
  kind: 'period' | 'proration';
  periodStart: Date;
  periodEnd: Date;
  attempt: number;
  amountMinor: number;
  description: string;
}

/**
 * Ask payment to charge the subscription's method: the charge row and billing.charge_requested
 * in the caller's transaction. The database allows one pending charge per subscription and one
 * row per (kind, period, attempt), so a second replica doing the same is refused here (null)
 * and nothing is asked twice.
 */
export async function requestCharge(
  tx: Tx,
  subscription: Subscription,
  request: ChargeRequest,
): Promise<SubscriptionCharge | null> {
  const id = chargeIdOf(subscription.id, request.kind, request.periodStart, request.attempt);
  const inserted = await tx.$executeRaw`
    INSERT INTO subscription_charges (id, subscription_id, kind, period_start, period_end, attempt,
                                      amount_minor, currency, description, status, updated_at)
    VALUES (${id}::uuid, ${subscription.id}::uuid, ${request.kind}, ${request.periodStart},
            ${request.periodEnd}, ${request.attempt}, ${request.amountMinor},
            ${subscription.currency}, ${request.description}, 'pending', now())
    ON CONFLICT DO NOTHING`;
  if (inserted === 0) return null;
  await enqueueEvent(
    tx,
    createEvent('billing.charge_requested', {
      source: 'billing',
      subject: subscription.id,
      data: {
        chargeId: id,
        subscriptionId: subscription.id,
        userId: subscription.userId,
        amount: { amount: request.amountMinor, currency: subscription.currency },
        paymentMethod: subscription.paymentMethod,
        description: request.description,
      },
    }),
  );
  return tx.subscriptionCharge.findUniqueOrThrow({ where: { id } });
}

/** Ask payment to give `amountMinor` of a succeeded charge back (a prorated credit). */
export async function requestRefund(
  tx: Tx,
  charge: SubscriptionCharge,
  userId: string,
  amountMinor: number,
  reason: string,
): Promise<void> {
  const left = charge.amountMinor - charge.refundedMinor;
  const amount = Math.min(amountMinor, left);
  if (amount <= 0) return;
  // Counted now, so a second credit against the same charge never asks for more than is left.
  await tx.subscriptionCharge.update({
    where: { id: charge.id },
    data: { refundedMinor: { increment: amount } },
  });
  await enqueueEvent(
    tx,
    createEvent('billing.refund_requested', {
      source: 'billing',
      subject: charge.subscriptionId,
      data: {
        refundId: randomUUID(),
        chargeId: charge.id,
        subscriptionId: charge.subscriptionId,
        userId,
        amount: { amount, currency: charge.currency },
        reason,
      },
    }),
  );
}

/**
 * Give `amountMinor` back from what was paid for the subscription's current period: its
 * upgrades' prorated charges first (newest first), then the period's own charge — one refund
 * per charge, never more than a charge has left. Returns what was asked back in all.
 */
export async function refundFromCurrentPeriod(
  tx: Tx,
  subscription: Subscription,
  amountMinor: number,
  reason: string,
): Promise<number> {
  const paid = await tx.subscriptionCharge.findMany({
    where: {
      subscriptionId: subscription.id,
      status: 'succeeded',
      periodStart: subscription.currentPeriodStart,
    },
    orderBy: [{ kind: 'desc' }, { createdAt: 'desc' }, { id: 'asc' }],
  });
  let left = amountMinor;
  for (const charge of paid) {
    if (left <= 0) break;
    const part = Math.min(left, charge.amountMinor - charge.refundedMinor);
    if (part <= 0) continue;
    await requestRefund(tx, charge, subscription.userId, part, reason);
    left -= part;
  }
  return amountMinor - Math.max(left, 0);
}
