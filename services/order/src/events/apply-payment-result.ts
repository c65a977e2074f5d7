import { createEvent, type EventEnvelope } from '@switchyard/contracts';
import { enqueueEvent, type EventHandlers, type SqlClient } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { OrderStatus } from '../domain/order-status.js';
import { changeStatus } from '../orders/change-status.js';
import { cancelAndReleaseOrder } from '../orders/cancel-order.js';
import { paymentsForCancelledOrders } from '../orders/order-metrics.js';

type Tx = Prisma.TransactionClient;

/** payment.succeeded → the order is paid (and says so with order.paid). */
async function markPaid(event: EventEnvelope<'payment.succeeded'>, sql: SqlClient): Promise<void> {
  const tx = sql as unknown as Tx;
  const order = await tx.order.findUnique({ where: { id: event.data.orderId } });
  if (!order) throw new Error(`order ${event.data.orderId} not found`);
  if (order.status === OrderStatus.cancelled) paymentsForCancelledOrders.inc();
  if (
    !(await changeStatus(tx, order, OrderStatus.paid, {
      actor: 'system',
      reason: 'payment succeeded',
    }))
  )
    return;
  await enqueueEvent(
    tx,
    createEvent('order.paid', {
      source: 'order',
      subject: order.id,
      data: {
        orderId: order.id,
        userId: order.userId,
        paymentId: event.data.paymentId,
        total: { amount: order.totalMinor, currency: order.currency },
      },
    }),
  );
}

/** payment.failed → compensate: release the reserved stock and cancel the order. */
async function cancelAndRelease(
  event: EventEnvelope<'payment.failed'>,
  sql: SqlClient,
): Promise<void> {
  await cancelAndReleaseOrder(sql as unknown as Tx, event.data.orderId, {
    actor: 'system',
    reason: `payment failed: ${event.data.reason}`,
  });
}

/**
 * payment.refunded → a paid (or fulfilled) order becomes partially_refunded, or refunded once
 * everything captured is back. The event carries the running total, so a redelivery or a refund
 * seen twice changes nothing. A cancelled order (its late payment refunded) stays cancelled and
 * just records the amount.
 */
async function recordRefund(
  event: EventEnvelope<'payment.refunded'>,
  sql: SqlClient,
): Promise<void> {
  const tx = sql as unknown as Tx;
  const { orderId, totalRefunded, captured, reason } = event.data;
  const order = await tx.order.findUnique({ where: { id: orderId } });
  if (!order) throw new Error(`order ${orderId} not found`);
  if (totalRefunded.amount <= order.refundedMinor) return; // an older total: already counted
  await tx.order.update({ where: { id: orderId }, data: { refundedMinor: totalRefunded.amount } });
  if (order.status === OrderStatus.cancelled) return;
  const to =
    totalRefunded.amount >= captured.amount ? OrderStatus.refunded : OrderStatus.partiallyRefunded;
  const moved = await changeStatus(tx, order, to, {
    actor: 'system',
    reason: `refunded ${totalRefunded.amount} of ${captured.amount} ${captured.currency} minor units (${reason})`,
  });
  if (!moved) throw new Error(`order ${orderId} in ${order.status} cannot become ${to}`);
}

/** The handlers; `stockChanged` runs after a compensation's commit (cache invalidation). */
export function paymentResultHandlers(stockChanged: () => Promise<void>): EventHandlers {
  return {
    'payment.succeeded': { handle: markPaid },
    'payment.failed': { handle: cancelAndRelease, afterCommit: stockChanged },
    'payment.refunded': { handle: recordRefund },
  };
}
