import type { Db } from '../db.js';

/** What the order service holds about a person, for their data export: their orders. */
export async function exportOrderData(db: Db, userId: string): Promise<Record<string, unknown>> {
  const orders = await db.order.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { lines: true, timeline: true },
  });
  return {
    orders: orders.map((o) => ({
      id: o.id,
      status: o.status,
      total: { amount: o.totalMinor, currency: o.currency },
      refunded: { amount: o.refundedMinor, currency: o.currency },
      paymentMethod: o.paymentMethod,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt.toISOString(),
      lines: o.lines.map((l) => ({
        productId: l.productId,
        name: l.name,
        quantity: l.quantity,
        unitPrice: { amount: l.unitPriceMinor, currency: o.currency },
      })),
      timeline: o.timeline.map((t) => ({
        from: t.fromStatus,
        to: t.toStatus,
        reason: t.reason,
        at: t.createdAt.toISOString(),
      })),
    })),
  };
}
