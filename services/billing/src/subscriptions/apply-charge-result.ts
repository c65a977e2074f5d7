import type { Prisma, SubscriptionCharge } from '../generated/prisma/client.js';
import { endSubscription } from './cancel.js';
import { requestRefund } from './charge-requests.js';
import { lockSubscription, type LockedSubscription } from './lock-subscription.js';
import { addDays } from './periods.js';
import { recordTransition } from './subscription-events.js';

type Tx = Prisma.TransactionClient;

export interface ChargeOutcomeContext {
  now: Date;
  /** Days after a period's due date at which a failed charge is retried (the dunning schedule). */
  retryDays: number[];
}

/**
 * The charge row, locked, if it is still waiting for its outcome; null if its outcome was
 * applied already (a redelivered result changes nothing).
 */
async function pendingCharge(tx: Tx, chargeId: string): Promise<SubscriptionCharge | null> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM subscription_charges
     WHERE id = ${chargeId}::uuid AND status = 'pending' FOR UPDATE`;
  return row ? tx.subscriptionCharge.findUnique({ where: { id: chargeId } }) : null;
}

/** The charge row, locked, whatever its status (null: not a charge billing asked for). */
async function lockedCharge(tx: Tx, chargeId: string): Promise<SubscriptionCharge | null> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM subscription_charges WHERE id = ${chargeId}::uuid FOR UPDATE`;
  return row ? tx.subscriptionCharge.findUnique({ where: { id: chargeId } }) : null;
}

/**
 * payment.billing_charge_succeeded: the charge is paid. A first period activates the
 * subscription; a renewal (or a dunning retry) moves it into the period it paid for; an
 * upgrade's prorated charge applies the waiting plan.
 *
 * The provider is the truth about money, so a success may come for a charge already failed
 * (payment gave up on an unanswered provider that had in fact charged). It counts if its period
 * is still unpaid; money the subscription does not need — its period paid by another attempt,
 * or the subscription canceled meanwhile — is `surplus` and refunded in full. Either way the
 * charge is invoiced (every successful charge has exactly one invoice; a refund, a credit note).
 * Returns the charge when this call applied it (the caller issues its invoice), else null.
 */
export async function applyChargeSucceeded(
  tx: Tx,
  chargeId: string,
  context: ChargeOutcomeContext,
): Promise<SubscriptionCharge | null> {
  const charge = await lockedCharge(tx, chargeId);
  if (!charge || charge.status === 'succeeded' || charge.status === 'surplus') return null;
  const sub = await lockSubscription(tx, charge.subscriptionId);
  if (!sub) return null;
  const periodPaid =
    charge.kind === 'period' &&
    (await tx.subscriptionCharge.count({
      where: {
        subscriptionId: sub.id,
        kind: 'period',
        status: 'succeeded',
        periodStart: charge.periodStart,
      },
    })) > 0;
  const needed =
    sub.status !== 'canceled' &&
    !periodPaid &&
    (charge.kind === 'proration'
      ? charge.status === 'pending' && sub.pendingPlanId !== null
      : charge.periodStart.getTime() >= sub.currentPeriodStart.getTime());
  const paid = await tx.subscriptionCharge.update({
    where: { id: charge.id },
    data: { status: needed ? 'succeeded' : 'surplus', failureReason: null },
  });
  if (!needed) {
    await requestRefund(tx, paid, sub.userId, paid.amountMinor, 'not needed: refunded in full');
    return paid;
  }
  if (charge.kind === 'proration') {
    await applyWaitingPlan(tx, sub, context.now);
    return paid;
  }
  const first = sub.status === 'incomplete' || sub.status === 'trialing';
  const recovered = sub.status === 'past_due';
  const updated = await tx.subscription.update({
    where: { id: sub.id },
    data: {
      status: 'active',
      currentPeriodStart: charge.periodStart,
      currentPeriodEnd: charge.periodEnd,
      failedAttempts: 0,
      nextRetryAt: null,
    },
    include: { plan: true },
  });
  await recordTransition(tx, updated, {
    event: first
      ? 'subscription.activated'
      : recovered
        ? 'subscription.recovered'
        : 'subscription.renewed',
    actor: 'system',
    at: context.now,
    reason: recovered ? `paid on attempt ${charge.attempt}` : null,
    from: sub.status,
  });
  return paid;
}

/**
 * payment.billing_charge_failed: a first period's failure ends the subscription (it never
 * started); a renewal's makes it past due with the next retry on the dunning schedule, or ends
 * it when the schedule is used up; an upgrade's drops the waiting plan.
 */
export async function applyChargeFailed(
  tx: Tx,
  chargeId: string,
  reason: string,
  context: ChargeOutcomeContext,
): Promise<void> {
  const charge = await pendingCharge(tx, chargeId);
  if (!charge) return;
  await tx.subscriptionCharge.update({
    where: { id: charge.id },
    data: { status: 'failed', failureReason: reason },
  });
  const sub = await lockSubscription(tx, charge.subscriptionId);
  if (!sub || sub.status === 'canceled') return;
  if (charge.kind === 'proration') {
    const updated = await tx.subscription.update({
      where: { id: sub.id },
      data: { pendingPlanId: null },
      include: { plan: true },
    });
    await recordTransition(tx, updated, {
      event: 'subscription.payment_failed',
      actor: 'system',
      at: context.now,
      reason: `plan change not paid: ${reason}`,
      from: sub.status,
    });
    return;
  }
  if (sub.status === 'incomplete') {
    await endSubscription(tx, sub, { actor: 'system', at: context.now, reason });
    return;
  }
  const failedAttempts = sub.failedAttempts + 1;
  const retryDay = context.retryDays[failedAttempts - 1];
  if (retryDay === undefined) {
    await endSubscription(tx, sub, {
      actor: 'system',
      at: context.now,
      reason: `unpaid after ${failedAttempts} attempts: ${reason}`,
    });
    return;
  }
  const updated = await tx.subscription.update({
    where: { id: sub.id },
    data: {
      status: 'past_due',
      failedAttempts,
      // Counted from the day the period was due, so early retries (a new card) do not stretch it.
      nextRetryAt: addDays(charge.periodStart, retryDay),
    },
    include: { plan: true },
  });
  await recordTransition(tx, updated, {
    event: 'subscription.payment_failed',
    actor: 'system',
    at: context.now,
    reason,
    from: sub.status,
  });
}

async function applyWaitingPlan(tx: Tx, sub: LockedSubscription, now: Date): Promise<void> {
  if (!sub.pendingPlanId) return;
  const plan = await tx.plan.findUniqueOrThrow({ where: { id: sub.pendingPlanId } });
  const updated = await tx.subscription.update({
    where: { id: sub.id },
    data: { planId: plan.id, priceMinor: plan.priceMinor, pendingPlanId: null },
    include: { plan: true },
  });
  await recordTransition(tx, updated, {
    event: 'subscription.plan_changed',
    actor: 'system',
    at: now,
    reason: `from ${sub.plan.code} to ${plan.code} (prorated difference paid)`,
    from: sub.status,
  });
}
