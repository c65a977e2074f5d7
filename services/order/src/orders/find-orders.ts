import { cursorParam, keysetPage, olderThan } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderView } from '../schemas/order.js';
import { orderDetails, orderViewOfRow, toOrderView } from './order-view.js';
import { ORDER_VIEW_SQL, type OrderViewRow } from './order-view-sql.js';

export interface OrderQuery {
  /** Only this user's orders; omit for all orders (admins, scoped machine clients). */
  userId?: string;
  status?: OrderStatus;
  limit: number;
  cursor?: string;
}

/** Orders newest first, keyset-paginated on (created_at, id). */
export async function listOrders(
  db: Db,
  query: OrderQuery,
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  const after = cursorParam(query.cursor);
  const where: Prisma.OrderWhereInput = {
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...olderThan(after),
  };
  const rows = await db.order.findMany({
    where,
    include: orderDetails,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const { items, nextCursor } = keysetPage(rows, query.limit);
  return { items: items.map(toOrderView), nextCursor };
}

/** One order; with `userId`, only if it is theirs (another user's is indistinguishable from none). */
export async function findOrder(
  db: Db,
  orderId: string,
  userId?: string,
): Promise<OrderView | null> {
  const { rows } = await db.pool.query<OrderViewRow>(ORDER_VIEW_SQL, [orderId, userId ?? null]);
  return rows[0] ? orderViewOfRow(rows[0]) : null;
}
