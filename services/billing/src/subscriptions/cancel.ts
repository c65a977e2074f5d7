import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { recordBillingEvent, subscriptionTarget } from '../audit/record-billing-event.js';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import { refundFromCurrentPeriod } from './charge-requests.js';
import { lockSubscription, type LockedSubscription } from './lock-subscription.js';
import { computeProration } from './proration.js';
import { recordTransition, type Actor } from './subscription-events.js';

type Tx = Prisma.TransactionClient;

export interface CancelInput {
  subscriptionId: string;
  /** Only this customer's subscription (null: an admin, any). */
  ownerId: string | null;
  /** `period_end`: keeps running to the end of the paid period; `now`: ends it with a credit. */
  when: 'period_end' | 'now';
  actor: Actor;
  now: Date;
  reason?: string;
  /** Who asked for it and from where (the audit trail). */
  by: AuditContext;
}

/**
 * Cancel at the period's end (nothing is refunded; the sweep ends it then) or now: the unused
 * part of the paid period is refunded to the card (a credit note follows the refund), prorated
 * by the second like a plan change. Cancelling what is already canceled changes nothing.
 */
export async function cancelSubscription(db: Db, input: CancelInput): Promise<string | null> {
  return db.$transaction(async (tx) => {
    const sub = await lockSubscription(tx, input.subscriptionId);
    if (!sub || (input.ownerId && sub.userId !== input.ownerId)) return null;
    if (sub.status === 'canceled') return sub.id;
    const reason = input.reason ?? (input.actor === 'system' ? 'system' : 'requested');
    if (input.when === 'period_end') {
      if (sub.status === 'incomplete' || sub.status === 'past_due') {
        throw new AppError(
          'CONFLICT',
          `A ${sub.status} subscription has no paid period to run to its end: cancel it now`,
        );
      }
      if (sub.cancelAtPeriodEnd) return sub.id;
      const updated = await tx.subscription.update({
        where: { id: sub.id },
        data: { cancelAtPeriodEnd: true },
        include: { plan: true },
      });
      await recordTransition(tx, updated, {
        event: 'subscription.cancel_scheduled',
        actor: input.actor,
        at: input.now,
        reason,
        from: sub.status,
      });
      await recordBillingEvent(tx, input.by, {
        action: 'subscription.cancel_scheduled',
        target: subscriptionTarget(sub.id),
        changes: { cancelAtPeriodEnd: { before: false, after: true } },
        details: { reason, endsAt: sub.currentPeriodEnd.toISOString() },
      });
      return sub.id;
    }
    const creditMinor = await creditUnusedTime(tx, sub, input.now);
    await endSubscription(tx, sub, { actor: input.actor, at: input.now, reason });
    await recordBillingEvent(tx, input.by, {
      action: 'subscription.canceled',
      target: subscriptionTarget(sub.id),
      changes: { status: { before: sub.status, after: 'canceled' } },
      details: { reason, refunded: { amount: creditMinor, currency: sub.currency } },
    });
    return sub.id;
  });
}

/** Mark a locked subscription canceled now and tell everyone. */
export async function endSubscription(
  tx: Tx,
  sub: LockedSubscription,
  how: { actor: Actor; at: Date; reason: string },
): Promise<void> {
  const updated = await tx.subscription.update({
    where: { id: sub.id },
    data: { status: 'canceled', canceledAt: how.at, nextRetryAt: null, pendingPlanId: null },
    include: { plan: true },
  });
  await recordTransition(tx, updated, {
    event: 'subscription.canceled',
    actor: how.actor,
    at: how.at,
    reason: how.reason,
    from: sub.status,
  });
}

/**
 * Refund the unused part of the current paid period at the price it runs at now (an upgrade
 * paid during it included); trials and unpaid periods have none. Returns what was refunded.
 */
async function creditUnusedTime(tx: Tx, sub: LockedSubscription, now: Date): Promise<number> {
  if (sub.status !== 'active') return 0;
  const { creditMinor } = computeProration({
    periodStart: sub.currentPeriodStart,
    periodEnd: sub.currentPeriodEnd,
    at: now,
    oldPriceMinor: sub.priceMinor,
    newPriceMinor: 0,
  });
  return refundFromCurrentPeriod(tx, sub, creditMinor, 'subscription canceled: unused time');
}
