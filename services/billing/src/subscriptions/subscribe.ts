import { randomUUID } from 'node:crypto';
import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { recordBillingEvent, subscriptionTarget } from '../audit/record-billing-event.js';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { requestCharge } from './charge-requests.js';
import { addDays, addIntervals, type Interval } from './periods.js';
import { recordTransition } from './subscription-events.js';

export interface SubscribeInput {
  userId: string;
  planId: string;
  paymentMethod: string;
  now: Date;
  idempotencyKey?: string;
  /** The request body's hash: the same key with another body is refused. */
  requestHash: string;
  /** Who subscribed and from where (the audit trail). */
  by: AuditContext;
}

/**
 * Subscribe a customer to an active plan with a saved method. With a trial it starts
 * `trialing` (nothing charged until the trial ends); without, it is `incomplete` until the first
 * period's charge succeeds. The subscription keeps the plan's price of today.
 *
 * An Idempotency-Key is stored on the subscription itself, unique per customer: the insert is
 * the whole effect (the charge is asked through the outbox in the same transaction), so a retry
 * finds the row and gets it back, and two racing requests with one key make one subscription.
 */
export async function subscribe(
  db: Db,
  input: SubscribeInput,
): Promise<{ id: string; replayed: boolean }> {
  if (input.idempotencyKey) {
    const existing = await findByKey(db, input.userId, input.idempotencyKey, input.requestHash);
    if (existing) return { id: existing, replayed: true };
  }
  const plan = await db.plan.findUnique({ where: { id: input.planId } });
  // The plan is named in the body, not the path: an unknown one is a 422, like an unknown product.
  if (!plan) throw new AppError('UNPROCESSABLE', 'No such plan is offered');
  if (!plan.active) throw new AppError('UNPROCESSABLE', 'This plan is no longer offered');
  const interval: Interval = {
    interval: plan.interval as Interval['interval'],
    intervalCount: plan.intervalCount,
  };
  const trialEnd = plan.trialDays > 0 ? addDays(input.now, plan.trialDays) : null;
  const anchor = trialEnd ?? input.now;
  const id = randomUUID();
  try {
    await db.$transaction(async (tx) => {
      const created = await tx.subscription.create({
        data: {
          id,
          userId: input.userId,
          planId: plan.id,
          priceMinor: plan.priceMinor,
          currency: plan.currency,
          interval: plan.interval,
          intervalCount: plan.intervalCount,
          status: trialEnd ? 'trialing' : 'incomplete',
          paymentMethod: input.paymentMethod,
          billingAnchor: anchor,
          currentPeriodStart: input.now,
          currentPeriodEnd: trialEnd ?? addIntervals(anchor, interval),
          idempotencyKey: input.idempotencyKey ?? null,
          requestHash: input.idempotencyKey ? input.requestHash : null,
        },
        include: { plan: true },
      });
      await recordTransition(tx, created, {
        event: trialEnd ? 'subscription.trial_started' : 'subscription.created',
        actor: `user:${input.userId}`,
        at: input.now,
        from: null,
      });
      if (!trialEnd) {
        await requestCharge(tx, created, {
          kind: 'period',
          periodStart: created.currentPeriodStart,
          periodEnd: created.currentPeriodEnd,
          attempt: 1,
          amountMinor: created.priceMinor,
          description: `${plan.name}: first period`,
        });
      }
      await recordBillingEvent(tx, input.by, {
        action: trialEnd ? 'subscription.trial_started' : 'subscription.created',
        target: subscriptionTarget(id),
        changes: { status: { before: null, after: created.status } },
        details: {
          planId: plan.id,
          price: { amount: plan.priceMinor, currency: plan.currency },
          trialEndsAt: trialEnd?.toISOString() ?? null,
        },
      });
    });
  } catch (error) {
    // Another request with the same key committed first: answer with its subscription.
    if (
      input.idempotencyKey &&
      error instanceof Prisma.PrismaClientKnownRequestError &&
      error.code === 'P2002'
    ) {
      const existing = await findByKey(db, input.userId, input.idempotencyKey, input.requestHash);
      if (existing) return { id: existing, replayed: true };
    }
    throw error;
  }
  return { id, replayed: false };
}

async function findByKey(
  db: Db,
  userId: string,
  key: string,
  hash: string,
): Promise<string | null> {
  const existing = await db.subscription.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
    select: { id: true, requestHash: true },
  });
  if (!existing) return null;
  if (existing.requestHash !== hash) {
    throw new AppError(
      'UNPROCESSABLE',
      'This Idempotency-Key was used with a different request body',
    );
  }
  return existing.id;
}
