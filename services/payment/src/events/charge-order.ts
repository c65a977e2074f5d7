import { randomUUID } from 'node:crypto';
import type { EventHandler } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import { chargesSkipped } from '../payments/payment-metrics.js';
import type { ChargeAttempt, PaymentProcessor } from '../payments/payment-processor.js';

type Prepared = { paymentId: string; attempt: ChargeAttempt | null } | null;

/**
 * order.created → charge the order once. `prepare` (outside the inbox transaction) records the
 * payment and asks the provider, with the payment id as idempotency key, so a redelivery or a
 * crash mid-way charges nothing twice; `handle` applies the answer under the payment's lock —
 * the same state machine the provider's webhook for this charge goes through, in either order.
 *
 * An order whose cancellation arrived first (a tombstone in order_cancellations) is never
 * charged; one cancelled while its charge was under way is refunded when the charge settles.
 */
export function chargeOrderHandler(
  db: Db,
  processor: PaymentProcessor,
): EventHandler<'order.created', Prepared> {
  return {
    async prepare(event, signal) {
      const { orderId, userId, total, paymentMethod } = event.data;
      if (await db.orderCancellation.findUnique({ where: { orderId } })) {
        chargesSkipped.inc({ reason: 'order_cancelled' });
        return null;
      }
      const payment = await db.payment.upsert({
        where: { orderId },
        update: {},
        create: {
          id: randomUUID(),
          orderId,
          userId,
          amountMinor: total.amount,
          currency: total.currency,
          paymentMethod,
          status: 'pending',
        },
      });
      if (payment.status !== 'pending') return { paymentId: payment.id, attempt: null };
      return { paymentId: payment.id, attempt: await processor.requestCharge(payment, signal) };
    },

    async handle(event, sql, prepared) {
      if (!prepared?.attempt) return; // cancelled first, or settled by an earlier delivery
      const tx = sql as unknown as Prisma.TransactionClient;
      // A cancellation may have landed while the provider was being asked.
      if (await tx.orderCancellation.findUnique({ where: { orderId: event.data.orderId } })) {
        await tx.payment.update({
          where: { id: prepared.paymentId },
          data: { orderCancelled: true },
        });
      }
      await processor.recordChargeAttempt(tx, prepared.paymentId, prepared.attempt);
    },

    // A cancellation refund created above goes to the provider now, not at the next watchdog pass.
    afterCommit: (event) => processor.executePendingRefunds({ orderId: event.data.orderId }),
  };
}
