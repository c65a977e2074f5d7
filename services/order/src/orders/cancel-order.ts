import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
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
  for (const line of order.lines) {
    await tx.product.update({
      where: { id: line.productId },
      data: { stock: { increment: line.quantity } },
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
