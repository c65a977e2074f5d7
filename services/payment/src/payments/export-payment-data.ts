import type { Db } from '../db.js';

/**
 * What the payment service holds about a person, for their data export: their payments with
 * their refunds, and their saved cards (what identifies a card to a person; the provider keeps
 * the rest). Never a client secret.
 */
export async function exportPaymentData(db: Db, userId: string): Promise<Record<string, unknown>> {
  const payments = await db.payment.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { refunds: true },
  });
  const cards = await db.savedPaymentMethod.findMany({
    where: { userId },
    orderBy: { createdAt: 'asc' },
  });
  return {
    payments: payments.map((p) => ({
      id: p.id,
      purpose: p.purpose,
      orderId: p.orderId,
      subscriptionId: p.subscriptionId,
      amount: { amount: p.amountMinor, currency: p.currency },
      refunded: { amount: p.amountRefundedMinor, currency: p.currency },
      paymentMethod: p.paymentMethod,
      status: p.status,
      failureReason: p.failureReason,
      createdAt: p.createdAt.toISOString(),
      refunds: p.refunds.map((r) => ({
        id: r.id,
        amount: { amount: r.amountMinor, currency: p.currency },
        status: r.status,
      })),
    })),
    savedCards: cards.map((c) => ({
      id: c.id,
      brand: c.brand,
      last4: c.last4,
      expMonth: c.expMonth,
      expYear: c.expYear,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}
