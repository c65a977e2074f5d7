import type { EventHandler } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { lockPayment } from '../payments/lock-payment.js';
import { lockOrderCharges, ORDER_CHARGE_LOCK_WAIT_MS } from '../payments/order-charge-lock.js';
import { ORDER_CANCELLED, type PaymentProcessor } from '../payments/payment-processor.js';
import { ensureCancellationRefund } from '../payments/refunds.js';

/**
 * order.cancelled (customer, expiry, failed payment) → remember it (a tombstone, also when no
 * payment exists yet, so an order.created that arrives later is not charged); the payment
 * remembers its order is gone, and whatever it captured — now or when a slow charge succeeds
 * later — is refunded. A payment never charged is failed (`order_cancelled`) at once, so nothing
 * sends it to the provider later (the watchdog, after an outage); that announces nothing (no
 * payment.failed: the order is cancelled already, and its customer told so once).
 *
 * First it takes the order's charge lock: a charge request in flight for this order (another
 * replica, after a rebalance) finishes and records its answer before the cancellation is
 * recorded, and none starts after. `cancelled_at` is stamped once the lock is held, so every
 * charge request for the order reached the provider before it (the consistency check holds us to
 * that); a request in doubt (timed out) may still become a charge after it, and is refunded.
 */
export function orderCancelledHandler(
  processor: PaymentProcessor,
): EventHandler<'order.cancelled'> {
  // Ids of the events whose transaction created a cancellation refund, for afterCommit to send
  // it; each attempt at an event starts by forgetting what a rolled-back one noted.
  const refundsToSend = new Set<string>();
  const intentsToCancel = new Map<string, string>();
  return {
    async handle(event, sql) {
      const tx = sql as unknown as Prisma.TransactionClient;
      const { orderId, reason } = event.data;
      refundsToSend.delete(event.id);
      intentsToCancel.delete(event.id);
      await lockOrderCharges(tx, orderId, ORDER_CHARGE_LOCK_WAIT_MS);
      await tx.orderCancellation.upsert({
        where: { orderId },
        update: {},
        create: { orderId, reason: reason.slice(0, 500), cancelledAt: new Date() },
      });
      const payment = await lockPayment(tx, { orderId });
      if (!payment) return;
      await tx.payment.update({ where: { id: payment.id }, data: { orderCancelled: true } });
      if (payment.status === 'pending' && !payment.providerChargeId) {
        await processor.fail(tx, payment, ORDER_CANCELLED); // announces nothing: see fail()
        return; // never charged: nothing to refund
      }
      if (payment.status === 'requires_action') {
        intentsToCancel.set(event.id, payment.id);
        return;
      }
      if (await ensureCancellationRefund(tx, { ...payment, orderCancelled: true }))
        refundsToSend.add(event.id);
    },
    // Only when this cancellation created a refund (most cancelled orders were never charged),
    // or left a payment waiting for its customer, whose PaymentIntent is cancelled too.
    afterCommit: async (event) => {
      const waiting = intentsToCancel.get(event.id);
      intentsToCancel.delete(event.id);
      if (waiting) await processor.cancelAtProvider(waiting);
      if (refundsToSend.delete(event.id))
        await processor.executePendingRefunds({ orderId: event.data.orderId });
    },
  };
}
