import type { Prisma } from '../generated/prisma/client.js';
import { endSubscription } from './cancel.js';
import { requestCharge } from './charge-requests.js';
import type { LockedSubscription } from './lock-subscription.js';
import { nextPeriod, type Interval } from './periods.js';

type Tx = Prisma.TransactionClient;

const intervalOf = (sub: LockedSubscription): Interval => ({
  interval: sub.interval as Interval['interval'],
  intervalCount: sub.intervalCount,
});

/** The period after the current one: what a renewal (or its retries) charges for. */
export const upcomingPeriod = (sub: LockedSubscription) =>
  nextPeriod(sub.billingAnchor, sub.currentPeriodEnd, intervalOf(sub));

export type RenewalStep = 'renewal_requested' | 'retry_requested' | 'canceled' | 'not_due';

/**
 * What is due for one locked subscription at `now`: its period ended (renew, or end it if it
 * was to cancel then), or its dunning retry is due. Returns what it did. Safe to call from any
 * replica at any time: the row lock, the status and the charge table's unique indexes make a
 * period's charge be asked once.
 */
export async function runDueStep(tx: Tx, sub: LockedSubscription, now: Date): Promise<RenewalStep> {
  const inFlight = await tx.subscriptionCharge.count({
    where: { subscriptionId: sub.id, status: 'pending' },
  });
  if (inFlight > 0) return 'not_due';
  if (
    (sub.status === 'active' || sub.status === 'trialing') &&
    sub.currentPeriodEnd.getTime() <= now.getTime()
  ) {
    if (sub.cancelAtPeriodEnd) {
      await endSubscription(tx, sub, {
        actor: 'system',
        at: now,
        reason: 'canceled_at_period_end',
      });
      return 'canceled';
    }
    const period = upcomingPeriod(sub);
    const charge = await requestCharge(tx, sub, {
      kind: 'period',
      periodStart: period.start,
      periodEnd: period.end,
      attempt: 1,
      amountMinor: sub.priceMinor,
      description: `${sub.plan.name}: ${day(period.start)} – ${day(period.end)}`,
    });
    return charge ? 'renewal_requested' : 'not_due';
  }
  if (
    sub.status === 'past_due' &&
    sub.nextRetryAt !== null &&
    sub.nextRetryAt.getTime() <= now.getTime()
  ) {
    return (await retryDueCharge(tx, sub, 'dunning')) ? 'retry_requested' : 'not_due';
  }
  return 'not_due';
}

/** Ask again for the unpaid period of a past-due subscription (the next attempt). */
export async function retryDueCharge(
  tx: Tx,
  sub: LockedSubscription,
  why: 'dunning' | 'method updated',
): Promise<boolean> {
  const period = upcomingPeriod(sub);
  const charge = await requestCharge(tx, sub, {
    kind: 'period',
    periodStart: period.start,
    periodEnd: period.end,
    attempt: sub.failedAttempts + 1,
    amountMinor: sub.priceMinor,
    description: `${sub.plan.name}: ${day(period.start)} – ${day(period.end)} (retry, ${why})`,
  });
  return charge !== null;
}

const day = (at: Date) => at.toISOString().slice(0, 10);
