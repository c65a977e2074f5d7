import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@switchyard/contracts';
import { enqueueEvent, type EventHandlers, type SqlClient } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { OrderStatus, UNPAID_STATUSES } from '../domain/order-status.js';
import { changeStatus } from '../orders/change-status.js';
import { cancelAndReleaseOrder } from '../orders/cancel-order.js';
import { paymentsForCancelledOrders } from '../orders/order-metrics.js';
import { recordRefundForReports } from '../reports/record-refund.js';

type Tx = Prisma.TransactionClient;

/**
 * Move a paid (or fulfilled, or partly refunded) order to where the refunds recorded on it put
 * it: refunded once everything captured is back, partially_refunded before that.
 */
async function moveToRefundState(
  tx: Tx,
  order: { id: string; status: string; refundedMinor: number },
  captured: { amount: number; currency: string },
  reason: string,
): Promise<void> {
  if (order.refundedMinor <= 0) return;
  const to =
    order.refundedMinor >= captured.amount ? OrderStatus.refunded : OrderStatus.partiallyRefunded;
  const moved = await changeStatus(tx, order, to, {
    actor: 'system',
    reason: `refunded ${order.refundedMinor} of ${captured.amount} ${captured.currency} minor units (${reason})`,
  });
  if (!moved) throw new Error(`order ${order.id} in ${order.status} cannot become ${to}`);
}

/**
 * payment.succeeded → the order is paid (and says so with order.paid). A refund that overtook
 * this event (recorded while the order was still pending) is applied right after.
 *
 * Two statements, as placement: one reads the order, moves it to paid if it is still pending
 * (conditional, as changeStatus) and writes its timeline entry; the other is order.paid in the
 * outbox. The ORM's three model calls here cost more CPU than the work (issue 20).
 */
async function markPaid(event: EventEnvelope<'payment.succeeded'>, sql: SqlClient): Promise<void> {
  const tx = sql as unknown as Tx;
  const { orderId } = event.data;
  // `o` is the order as it stands, locked (FOR UPDATE returns the row as the last transaction
  // to change it left it, so a cancellation committed meanwhile shows); `moved` says whether it
  // became paid.
  const [order] = await tx.$queryRaw<
    {
      id: string;
      status: string;
      userId: string;
      totalMinor: number;
      currency: string;
      refundedMinor: number;
      moved: boolean;
    }[]
  >`WITH o AS (
      SELECT id, status, user_id, total_minor, currency, refunded_minor
        FROM orders WHERE id = ${orderId}::uuid FOR UPDATE),
    moved AS (
      UPDATE orders SET status = ${OrderStatus.paid}, updated_at = now()
       WHERE id = ${orderId}::uuid
         AND status IN (${OrderStatus.pendingPayment}, ${OrderStatus.awaitingPaymentAction})
      RETURNING id),
    change AS (
      INSERT INTO order_status_changes (id, order_id, from_status, to_status, actor, reason)
      SELECT ${randomUUID()}::uuid, moved.id, o.status, ${OrderStatus.paid},
             'system', 'payment succeeded'
        FROM moved, o)
    SELECT o.id::text, o.status, o.user_id::text AS "userId", o.total_minor AS "totalMinor",
           o.currency, o.refunded_minor AS "refundedMinor", EXISTS (SELECT 1 FROM moved) AS moved
      FROM o`;
  if (!order) throw new Error(`order ${orderId} not found`);
  if (order.status === OrderStatus.cancelled) paymentsForCancelledOrders.inc();
  if (!order.moved) return;
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
  await moveToRefundState(
    tx,
    { ...order, status: OrderStatus.paid },
    event.data.amount,
    'recorded before the payment was',
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
 * just records the amount; so does an order still pending payment (the refund overtook
 * payment.succeeded), which moves on when that event arrives.
 */
async function recordRefund(
  event: EventEnvelope<'payment.refunded'>,
  sql: SqlClient,
): Promise<void> {
  const tx = sql as unknown as Tx;
  const { orderId, totalRefunded, captured, reason } = event.data;
  const order = await tx.order.findUnique({ where: { id: orderId } });
  if (!order) throw new Error(`order ${orderId} not found`);
  await recordRefundForReports(tx, event);
  if (totalRefunded.amount <= order.refundedMinor) return; // an older total: already counted
  await tx.order.update({ where: { id: orderId }, data: { refundedMinor: totalRefunded.amount } });
  if (
    order.status === OrderStatus.cancelled ||
    UNPAID_STATUSES.includes(order.status as OrderStatus)
  )
    return;
  await moveToRefundState(tx, { ...order, refundedMinor: totalRefunded.amount }, captured, reason);
}

/**
 * payment.action_required → the order waits for its customer to finish the payment (3-D
 * Secure), still within its expiry. Only from pending_payment: a payment that settled first
 * (its event overtook this one) has moved the order on already.
 */
async function awaitCustomer(
  event: EventEnvelope<'payment.action_required'>,
  sql: SqlClient,
): Promise<void> {
  const tx = sql as unknown as Tx;
  const order = await tx.order.findUnique({ where: { id: event.data.orderId } });
  if (!order) throw new Error(`order ${event.data.orderId} not found`);
  await changeStatus(tx, order, OrderStatus.awaitingPaymentAction, {
    actor: 'system',
    reason: 'the payment needs the customer to authenticate',
  });
}

/** The handlers; `stockChanged` runs after a compensation's commit (cache invalidation). */
export function paymentResultHandlers(stockChanged: () => Promise<void>): EventHandlers {
  return {
    'payment.succeeded': { handle: markPaid },
    'payment.failed': { handle: cancelAndRelease, afterCommit: stockChanged },
    'payment.refunded': { handle: recordRefund },
    'payment.action_required': { handle: awaitCustomer },
  };
}
