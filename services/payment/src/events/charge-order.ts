import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@switchyard/contracts';
import type { EventHandler } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Payment } from '../generated/prisma/client.js';
import { chargesSkipped } from '../payments/payment-metrics.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';

/**
 * order.created → charge the order once. `prepare` (outside the inbox transaction) records the
 * payment, then charges it through the processor, which asks the provider with the payment id
 * as idempotency key and applies the answer — the same state machine the provider's webhook for
 * this charge goes through, in either order — so a redelivery or a crash mid-way charges
 * nothing twice.
 *
 * An order whose cancellation was recorded first (a tombstone) gets no payment at all. The
 * charge itself holds the order's charge lock, which order.cancelled takes too: a cancellation
 * recorded between the tombstone check and the charge (on another replica, after a rebalance)
 * is seen under the lock and the payment fails (`order_cancelled`) unsent; one arriving while
 * the provider is being asked waits until its answer is recorded, then refunds it.
 */
export function chargeOrderHandler(
  db: Db,
  processor: PaymentProcessor,
): EventHandler<'order.created', void> {
  return {
    async prepare(event, signal) {
      const payment = await openPayment(db, event.data);
      if (!payment) {
        chargesSkipped.inc({ reason: 'order_cancelled' });
        return;
      }
      if (payment.status === 'pending') await processor.charge(payment, { signal });
    },
    // Everything was recorded in prepare, under the lock; the inbox row marks the event done.
    async handle() {},
  };
}

/**
 * The order's payment, created once (its id is the provider's idempotency key, so it commits
 * before anything is sent) — or null when the order's cancellation is already recorded. No lock
 * needed here: the charge checks the cancellation again under the order's charge lock.
 *
 * One statement in the common case (the tombstone check and the insert, returning the row),
 * where the ORM made two or three round trips. A payment that exists already (a redelivery) is
 * read by a second statement: a row another replica inserted meanwhile is not in the first
 * statement's snapshot.
 */
async function openPayment(
  db: Db,
  order: EventEnvelope<'order.created'>['data'],
): Promise<OpenedPayment | null> {
  const [inserted] = await db.$queryRaw<OpenedPayment[]>`
    INSERT INTO payments (id, order_id, user_id, amount_minor, currency, payment_method, status,
                          updated_at)
    SELECT ${randomUUID()}::uuid, ${order.orderId}::uuid, ${order.userId}::uuid,
           ${order.total.amount}::int, ${order.total.currency}, ${order.paymentMethod}, 'pending',
           now()
     WHERE NOT EXISTS (SELECT 1 FROM order_cancellations WHERE order_id = ${order.orderId}::uuid)
    ON CONFLICT (order_id) DO NOTHING
    RETURNING id::text, order_id::text AS "orderId", status`;
  if (inserted) return inserted;
  const [existing] = await db.$queryRaw<OpenedPayment[]>`
    SELECT id::text, order_id::text AS "orderId", status FROM payments
     WHERE order_id = ${order.orderId}::uuid
       AND NOT EXISTS (SELECT 1 FROM order_cancellations WHERE order_id = ${order.orderId}::uuid)`;
  return existing ?? null;
}

type OpenedPayment = Pick<Payment, 'id' | 'orderId' | 'status'>;
