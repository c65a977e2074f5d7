import type { AuditContext } from '@switchyard/audit';
import { recordBillingEvent, subscriptionTarget } from '../audit/record-billing-event.js';
import type { Db } from '../db.js';
import { lockSubscription } from './lock-subscription.js';
import { retryDueCharge } from './renewals.js';
import type { Actor } from './subscription-events.js';

export interface UpdateMethodInput {
  subscriptionId: string;
  ownerId: string | null;
  paymentMethod: string;
  actor: Actor;
  now: Date;
  /** Who changed it and from where (the audit trail). */
  by: AuditContext;
}

/**
 * Charge another saved method from now on. A past-due subscription is retried at once with it
 * (the customer just fixed what failed), not at the next date of the dunning schedule.
 */
export async function updatePaymentMethod(
  db: Db,
  input: UpdateMethodInput,
): Promise<{ found: boolean; retried: boolean }> {
  return db.$transaction(async (tx) => {
    const sub = await lockSubscription(tx, input.subscriptionId);
    if (!sub || (input.ownerId && sub.userId !== input.ownerId)) {
      return { found: false, retried: false };
    }
    const updated = await tx.subscription.update({
      where: { id: sub.id },
      data: { paymentMethod: input.paymentMethod },
      include: { plan: true },
    });
    const retried =
      updated.status === 'past_due' ? await retryDueCharge(tx, updated, 'method updated') : false;
    // The card's provider id stays out of the trail: it would outlive the account's deletion
    // there (payment erases it); that the card changed, and the retry, are the record.
    if (sub.paymentMethod !== input.paymentMethod) {
      await recordBillingEvent(tx, input.by, {
        action: 'subscription.payment_method_changed',
        target: subscriptionTarget(sub.id),
        details: { retriedCharge: retried },
      });
    }
    return { found: true, retried };
  });
}
