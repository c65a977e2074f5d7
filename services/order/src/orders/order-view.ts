import type { Order, OrderLine } from '../generated/prisma/client.js';
import type { OrderView } from '../schemas/order.js';
import type { OrderStatus } from '../domain/order-status.js';

/** The client's view of an order: money as {amount, currency}, never internal columns. */
export function toOrderView(order: Order & { lines: OrderLine[] }): OrderView {
  const money = (amount: number) => ({ amount, currency: order.currency });
  return {
    id: order.id,
    status: order.status as OrderStatus,
    total: money(order.totalMinor),
    lines: order.lines.map((l) => ({
      productId: l.productId,
      name: l.name,
      quantity: l.quantity,
      unitPrice: money(l.unitPriceMinor),
      lineTotal: money(l.unitPriceMinor * l.quantity),
    })),
    paymentMethod: order.paymentMethod,
    ...(order.cancelReason ? { cancelReason: order.cancelReason } : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
