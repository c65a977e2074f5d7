import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import { inProductLockOrder } from '../catalog/lock-order.js';
import { recordStockMovement } from '../catalog/stock-movements.js';
import { OrderStatus } from '../domain/order-status.js';
import { changeStatus, type Actor } from './change-status.js';

/**
 * The saga's compensation, one place for every cause (payment failed, payment never came):
 * cancel the order, release its reserved stock, and announce order.cancelled — all in the
 * caller's transaction. Returns false when the order was no longer cancellable.
 */
export async function cancelAndReleaseOrder(
  tx: Prisma.TransactionClient,
  orderId: string,
  change: { actor: Actor; reason: string },
): Promise<boolean> {
  const order = await tx.order.findUnique({ where: { id: orderId }, include: { lines: true } });
  if (!order) throw new Error(`order ${orderId} not found`);
  if (!(await changeStatus(tx, order, OrderStatus.cancelled, change))) return false;
  for (const line of inProductLockOrder(order.lines)) {
    await tx.product.update({
      where: { id: line.productId },
      data: { stock: { increment: line.quantity } },
    });
    await recordStockMovement(tx, {
      productId: line.productId,
      orderId: order.id,
      delta: line.quantity,
      reason: 'released',
    });
  }
  await enqueueEvent(
    tx,
    createEvent('order.cancelled', {
      source: 'order',
      subject: order.id,
      data: { orderId: order.id, userId: order.userId, reason: change.reason },
    }),
  );
  return true;
}

/**
 * The customer cancels their order while its payment is pending. Another user's order is
 * indistinguishable from none (null → 404); any other state is a conflict. A payment that
 * succeeds afterwards is refunded by the payment service.
 */
export async function cancelByCustomer(
  db: Db,
  orderId: string,
  userId: string,
): Promise<'cancelled' | 'not_found' | { status: string }> {
  return db.$transaction(async (tx) => {
    const order = await tx.order.findFirst({ where: { id: orderId, userId } });
    if (!order) return 'not_found';
    const cancelled = await cancelAndReleaseOrder(tx, orderId, {
      actor: 'customer',
      reason: 'cancelled by customer',
    });
    return cancelled ? 'cancelled' : { status: order.status };
  });
}
