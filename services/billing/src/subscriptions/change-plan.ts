import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { recordBillingEvent, subscriptionTarget } from '../audit/record-billing-event.js';
import type { Db } from '../db.js';
import { refundFromCurrentPeriod, requestCharge } from './charge-requests.js';
import { lockSubscription } from './lock-subscription.js';
import { computeProration, type Proration } from './proration.js';
import { recordTransition, type Actor } from './subscription-events.js';

export interface ChangePlanInput {
  subscriptionId: string;
  ownerId: string | null;
  planId: string;
  actor: Actor;
  now: Date;
  /** Who asked for it and from where (the audit trail). */
  by: AuditContext;
}

export type ChangePlanResult =
  | { kind: 'not_found' }
  | { kind: 'changed'; proration: Proration | null }
  /** An upgrade: applied when its prorated charge succeeds. */
  | { kind: 'pending_payment'; proration: Proration };

/**
 * Move a subscription to another plan of the same currency and interval, keeping its period.
 * The unused time at the old price is credited and the rest of the period at the new price is
 * charged (computeProration). More to pay: the difference is charged now and the plan changes
 * when that charge succeeds. Less: the plan changes now and the difference is refunded. During
 * a trial nothing is charged: the new plan's price applies from the first period.
 */
export async function changePlan(db: Db, input: ChangePlanInput): Promise<ChangePlanResult> {
  return db.$transaction(async (tx) => {
    const sub = await lockSubscription(tx, input.subscriptionId);
    if (!sub || (input.ownerId && sub.userId !== input.ownerId)) return { kind: 'not_found' };
    if (sub.status !== 'active' && sub.status !== 'trialing') {
      throw new AppError('CONFLICT', `A ${sub.status} subscription cannot change plan`);
    }
    if (sub.pendingPlanId) {
      throw new AppError('CONFLICT', 'A plan change is already waiting for its payment');
    }
    const plan = await tx.plan.findUnique({ where: { id: input.planId } });
    if (!plan) throw new AppError('UNPROCESSABLE', 'No such plan is offered');
    if (!plan.active) throw new AppError('UNPROCESSABLE', 'This plan is no longer offered');
    if (plan.id === sub.planId) throw new AppError('CONFLICT', 'The subscription is on this plan');
    if (
      plan.currency !== sub.currency ||
      plan.interval !== sub.interval ||
      plan.intervalCount !== sub.intervalCount
    ) {
      throw new AppError(
        'UNPROCESSABLE',
        'A plan change keeps the currency and the billing interval: subscribe to this plan instead',
      );
    }
    const applyNow = async (reason: string) => {
      const updated = await tx.subscription.update({
        where: { id: sub.id },
        data: { planId: plan.id, priceMinor: plan.priceMinor },
        include: { plan: true },
      });
      await recordTransition(tx, updated, {
        event: 'subscription.plan_changed',
        actor: input.actor,
        at: input.now,
        reason,
        from: sub.status,
      });
    };
    // Asked and done (or, for an upgrade, waiting for its charge): one entry either way.
    const audited = async <R extends ChangePlanResult>(
      result: R,
      refundedMinor = 0,
    ): Promise<R> => {
      const pending = result.kind === 'pending_payment';
      await recordBillingEvent(tx, input.by, {
        action: pending ? 'subscription.plan_change_requested' : 'subscription.plan_changed',
        target: subscriptionTarget(sub.id),
        changes: pending
          ? null
          : {
              planId: { before: sub.planId, after: plan.id },
              priceMinor: { before: sub.priceMinor, after: plan.priceMinor },
            },
        details: {
          toPlanId: plan.id,
          currency: sub.currency,
          proration: 'proration' in result ? result.proration : null,
          refunded: { amount: refundedMinor, currency: sub.currency },
        },
      });
      return result;
    };
    if (sub.status === 'trialing') {
      await applyNow(`from ${sub.plan.code} to ${plan.code} during the trial`);
      return audited({ kind: 'changed', proration: null });
    }
    const proration = computeProration({
      periodStart: sub.currentPeriodStart,
      periodEnd: sub.currentPeriodEnd,
      at: input.now,
      oldPriceMinor: sub.priceMinor,
      newPriceMinor: plan.priceMinor,
    });
    if (proration.netMinor > 0) {
      await tx.subscription.update({ where: { id: sub.id }, data: { pendingPlanId: plan.id } });
      const charge = await requestCharge(tx, sub, {
        kind: 'proration',
        periodStart: sub.currentPeriodStart,
        periodEnd: sub.currentPeriodEnd,
        attempt: await nextProrationAttempt(tx, sub.id, sub.currentPeriodStart),
        amountMinor: proration.netMinor,
        description: `${sub.plan.name} → ${plan.name}: rest of the period`,
      });
      if (!charge) throw new AppError('CONFLICT', 'A charge for this subscription is in flight');
      return audited({ kind: 'pending_payment', proration });
    }
    await applyNow(`from ${sub.plan.code} to ${plan.code}`);
    const refunded =
      proration.netMinor < 0
        ? await refundFromCurrentPeriod(tx, sub, -proration.netMinor, 'plan changed: proration')
        : 0;
    return audited({ kind: 'changed', proration }, refunded);
  });
}

async function nextProrationAttempt(
  tx: Parameters<Parameters<Db['$transaction']>[0]>[0],
  subscriptionId: string,
  periodStart: Date,
): Promise<number> {
  const count = await tx.subscriptionCharge.count({
    where: { subscriptionId, kind: 'proration', periodStart },
  });
  return count + 1;
}
