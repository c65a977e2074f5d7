import { AppError } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { OrderStatus } from '../domain/order-status.js';
import type { OrderView } from '../schemas/order.js';
import { changeStatus } from './change-status.js';
import { findOrder } from './find-orders.js';

/** An admin marks a paid order fulfilled (shipped); any other state is a 409. */
export async function fulfilOrder(db: Db, orderId: string): Promise<OrderView | null> {
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order) return null;
  const moved = await db.$transaction((tx) =>
    changeStatus(tx, order, OrderStatus.fulfilled, { actor: 'admin', reason: 'marked fulfilled' }),
  );
  if (!moved)
    throw new AppError('CONFLICT', `an order in status ${order.status} cannot be fulfilled`);
  return findOrder(db, orderId);
}
