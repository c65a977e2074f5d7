import type { EventHandlers } from '@switchyard/messaging';
import { BILLING_SERVICE, recordBillingEvent } from '../audit/record-billing-event.js';
import type { BillingClock } from '../clock/billing-clock.js';
import { Prisma } from '../generated/prisma/client.js';
import { endSubscription } from '../subscriptions/cancel.js';
import { lockSubscription } from '../subscriptions/lock-subscription.js';

type Tx = Prisma.TransactionClient;

/** The name a deleted customer's copy keeps (documents issued later must still name someone). */
export const DELETED_CUSTOMER_NAME = 'Deleted customer';

/**
 * user.deleted: the person's subscriptions end now (canceled, reason `account_deleted`; the
 * period already paid is not refunded) and billing's copy of their name, email and address is
 * erased, in the inbox transaction (a redelivery finds them canceled and erased already).
 * Issued invoices and credit notes stay as issued: they are records the law requires, immutable
 * (docs/account-deletion.md).
 */
export function eraseCustomerHandlers(clock: BillingClock): EventHandlers {
  return {
    'user.deleted': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { userId } = event.data;
        const live = await tx.subscription.findMany({
          where: { userId, status: { not: 'canceled' } },
          select: { id: true },
        });
        const at = await clock.now();
        const canceled: string[] = [];
        for (const { id } of live) {
          const sub = await lockSubscription(tx, id);
          if (!sub || sub.status === 'canceled') continue;
          await endSubscription(tx, sub, { actor: 'system', at, reason: 'account_deleted' });
          canceled.push(sub.id);
        }
        await tx.customer.updateMany({
          where: { userId },
          data: {
            name: DELETED_CUSTOMER_NAME,
            email: '',
            billingAddress: Prisma.DbNull,
            updatedAt: new Date(),
          },
        });
        await recordBillingEvent(tx, BILLING_SERVICE, {
          action: 'customer.erased',
          target: { type: 'user', id: userId },
          details: { eventId: event.id, canceledSubscriptions: canceled },
        });
      },
    },
  };
}
