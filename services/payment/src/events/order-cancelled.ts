import type { EventHandler } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { lockPayment } from '../payments/lock-payment.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { ensureCancellationRefund } from '../payments/refunds.js';

/**
 * order.cancelled (customer, expiry, failed payment) → remember it (a tombstone, also when no
 * payment exists yet, so an order.created that arrives later is not charged); the payment
 * remembers its order is gone, and whatever it captured — now or when a slow charge succeeds
 * later — is refunded.
 */
export function orderCancelledHandler(
  processor: PaymentProcessor,
): EventHandler<'order.cancelled'> {
  return {
    async handle(event, sql) {
      const tx = sql as unknown as Prisma.TransactionClient;
      const { orderId, reason } = event.data;
      await tx.orderCancellation.upsert({
        where: { orderId },
        update: {},
        create: { orderId, reason: reason.slice(0, 500) },
      });
      const payment = await lockPayment(tx, { orderId });
      if (!payment) return;
      await tx.payment.update({ where: { id: payment.id }, data: { orderCancelled: true } });
      await ensureCancellationRefund(tx, payment.id);
    },
    afterCommit: (event) => processor.executePendingRefunds({ orderId: event.data.orderId }),
  };
}
