import { cursorParam, encodeCursor, olderThan } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { Payment, PaymentRefund, Prisma } from '../generated/prisma/client.js';

type PaymentWithRefunds = Payment & { refunds: PaymentRefund[] };

export function toPaymentView(p: PaymentWithRefunds) {
  return {
    id: p.id,
    purpose: p.purpose as 'order' | 'subscription',
    orderId: p.orderId,
    subscriptionId: p.subscriptionId,
    amount: { amount: p.amountMinor, currency: p.currency },
    refunded: { amount: p.amountRefundedMinor, currency: p.currency },
    status: p.status as 'pending' | 'requires_action' | 'succeeded' | 'failed',
    ...(p.failureReason ? { failureReason: p.failureReason } : {}),
    ...(p.status === 'requires_action'
      ? { nextAction: { url: p.actionUrl, clientSecret: p.actionClientSecret } }
      : {}),
    refunds: [...p.refunds]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((r) => toRefundView(r, p.currency)),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toRefundView(r: PaymentRefund, currency: string) {
  return {
    id: r.id,
    amount: { amount: r.amountMinor, currency },
    status: r.status as 'pending' | 'succeeded' | 'failed',
    reason: r.reason,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export const toAdminPaymentView = (p: PaymentWithRefunds) => ({
  ...toPaymentView(p),
  userId: p.userId,
  providerChargeId: p.providerChargeId,
  paymentMethod: p.paymentMethod,
});

/** Payments newest first, keyset-paginated on (created_at, id). */
export async function listPayments(
  db: Db,
  query: {
    userId?: string;
    orderId?: string;
    status?: string;
    limit: number;
    cursor?: string;
  },
): Promise<{ rows: PaymentWithRefunds[]; nextCursor: string | null }> {
  const after = cursorParam(query.cursor);
  const where: Prisma.PaymentWhereInput = {
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.orderId ? { orderId: query.orderId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...olderThan(after),
  };
  const rows = await db.payment.findMany({
    where,
    include: { refunds: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
