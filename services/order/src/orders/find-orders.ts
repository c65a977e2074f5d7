import type { Db } from '../db.js';
import type { OrderView } from '../schemas/order.js';
import { toOrderView } from './order-view.js';

/** One of the user's own orders, or null: another user's order is indistinguishable from none. */
export async function findOwnOrder(
  db: Db,
  userId: string,
  orderId: string,
): Promise<OrderView | null> {
  const order = await db.order.findFirst({
    where: { id: orderId, userId },
    include: { lines: true },
  });
  return order ? toOrderView(order) : null;
}

export async function listOwnOrders(db: Db, userId: string, limit = 50): Promise<OrderView[]> {
  const orders = await db.order.findMany({
    where: { userId },
    include: { lines: true },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
  return orders.map(toOrderView);
}

/** For machine clients granted `orders:read` (integrations): any order, newest first. */
export async function listAllOrders(db: Db, limit = 50): Promise<OrderView[]> {
  const orders = await db.order.findMany({
    include: { lines: true },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
  return orders.map(toOrderView);
}

export async function findAnyOrder(db: Db, orderId: string): Promise<OrderView | null> {
  const order = await db.order.findUnique({ where: { id: orderId }, include: { lines: true } });
  return order ? toOrderView(order) : null;
}
