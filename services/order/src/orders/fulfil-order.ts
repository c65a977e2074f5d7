import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { orderTarget, recordOrderEvent } from '../audit/record-order-event.js';
import type { Db } from '../db.js';
import { OrderStatus } from '../domain/order-status.js';
import type { OrderView } from '../schemas/order.js';
import { changeStatus } from './change-status.js';
import { findOrder } from './find-orders.js';

/**
 * An admin marks a paid order fulfilled (shipped); any other state is a 409. Recorded in the
 * trail (`order.fulfilled`) with the status's before and after.
 */
export async function fulfilOrder(
  db: Db,
  orderId: string,
  by: AuditContext,
): Promise<OrderView | null> {
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order) return null;
  const moved = await db.$transaction(async (tx) => {
    const changed = await changeStatus(tx, order, OrderStatus.fulfilled, {
      actor: 'admin',
      reason: 'marked fulfilled',
    });
    if (changed) {
      await recordOrderEvent(tx, by, {
        action: 'order.fulfilled',
        target: orderTarget(orderId),
        changes: { status: { before: order.status, after: OrderStatus.fulfilled } },
        details: { customerId: order.userId },
      });
    }
    return changed;
  });
  if (!moved)
    throw new AppError('CONFLICT', `an order in status ${order.status} cannot be fulfilled`);
  return findOrder(db, orderId);
}
