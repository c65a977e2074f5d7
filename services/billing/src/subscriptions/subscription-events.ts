import { randomUUID } from 'node:crypto';
import { createEvent, type EventName } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import type { Prisma, Subscription } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export type SubscriptionEventName = Extract<EventName, `subscription.${string}`>;

/** Who made a change: the customer, an admin, or billing itself (renewals, dunning). */
export type Actor = `user:${string}` | `admin:${string}` | 'system';

export interface Transition {
  event: SubscriptionEventName;
  actor: Actor;
  at: Date;
  reason?: string | null;
  /** The status before the change (null when the subscription is new). */
  from: string | null;
}

/**
 * Record one change of a subscription: a row in its timeline (who, why, from which status) and
 * the event others hear, both in the caller's transaction with the change itself.
 */
export async function recordTransition(
  tx: Tx,
  subscription: Subscription & { plan: { name: string } },
  transition: Transition,
): Promise<void> {
  await tx.subscriptionTransition.create({
    data: {
      id: randomUUID(),
      subscriptionId: subscription.id,
      fromStatus: transition.from,
      toStatus: subscription.status,
      event: transition.event,
      actor: transition.actor,
      reason: transition.reason ?? null,
      at: transition.at,
    },
  });
  await enqueueEvent(
    tx,
    createEvent(transition.event, {
      source: 'billing',
      subject: subscription.id,
      data: {
        subscriptionId: subscription.id,
        userId: subscription.userId,
        planId: subscription.planId,
        planName: subscription.plan.name,
        status: subscription.status as 'active',
        price: { amount: subscription.priceMinor, currency: subscription.currency },
        currentPeriodStart: subscription.currentPeriodStart.toISOString(),
        currentPeriodEnd: subscription.currentPeriodEnd.toISOString(),
        cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        reason: transition.reason ?? null,
        nextRetryAt: subscription.nextRetryAt?.toISOString() ?? null,
      },
    }),
  );
}
