import type { Order, OrderLine, OrderStatusChange } from '../generated/prisma/client.js';
import type { OrderView } from '../schemas/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderViewRow } from './order-view-sql.js';

export type OrderWithDetails = Order & { lines: OrderLine[]; timeline: OrderStatusChange[] };

/** What Prisma must load for an order view. */
export const orderDetails = {
  lines: true,
  timeline: { orderBy: { createdAt: 'asc' } },
} as const;

/** The client's view of an order loaded through Prisma: the same mapping as the hot read's. */
export function toOrderView(order: OrderWithDetails): OrderView {
  return orderViewOfRow({
    id: order.id,
    status: order.status,
    total_minor: order.totalMinor,
    currency: order.currency,
    payment_method: order.paymentMethod,
    refunded_minor: order.refundedMinor,
    cancel_reason: order.cancelReason,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    lines: order.lines,
    timeline: order.timeline,
  });
}

/** The client's view of an order: money as {amount, currency}, its timeline, never internals. */
export function orderViewOfRow(row: OrderViewRow): OrderView {
  const money = (amount: number) => ({ amount, currency: row.currency });
  return {
    id: row.id,
    status: row.status as OrderStatus,
    total: money(row.total_minor),
    lines: row.lines.map((l) => ({
      productId: l.productId,
      name: l.name,
      quantity: l.quantity,
      unitPrice: money(l.unitPriceMinor),
      lineTotal: money(l.unitPriceMinor * l.quantity),
    })),
    paymentMethod: row.payment_method,
    refunded: money(row.refunded_minor),
    ...(row.cancel_reason ? { cancelReason: row.cancel_reason } : {}),
    timeline: row.timeline.map((t) => ({
      status: t.toStatus as OrderStatus,
      at: new Date(t.createdAt).toISOString(),
      actor: t.actor as 'customer' | 'admin' | 'system',
      ...(t.reason ? { reason: t.reason } : {}),
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
