import type { Db } from '../db.js';

/**
 * What the billing service holds about a person, for their data export: the name, email and
 * address it bills, their subscriptions, and their invoices and credit notes (the figures;
 * each PDF is at its own route).
 */
export async function exportBillingData(db: Db, userId: string): Promise<Record<string, unknown>> {
  const [customer, subscriptions, documents] = await Promise.all([
    db.customer.findUnique({ where: { userId } }),
    db.subscription.findMany({
      where: { userId },
      orderBy: { createdAt: 'asc' },
      include: { plan: { select: { name: true } } },
    }),
    db.billingDocument.findMany({
      where: { userId },
      orderBy: { issuedAt: 'asc' },
      omit: { pdf: true },
    }),
  ]);
  return {
    customer: customer
      ? { name: customer.name, email: customer.email, billingAddress: customer.billingAddress }
      : null,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      plan: s.plan.name,
      status: s.status,
      price: { amount: s.priceMinor, currency: s.currency },
      interval: s.interval,
      intervalCount: s.intervalCount,
      currentPeriodEnd: s.currentPeriodEnd.toISOString(),
      canceledAt: s.canceledAt?.toISOString() ?? null,
      createdAt: s.createdAt.toISOString(),
    })),
    documents: documents.map((d) => ({
      id: d.id,
      kind: d.kind,
      number: d.number,
      invoiceId: d.invoiceId,
      buyer: d.buyer,
      lines: d.lines,
      total: { amount: d.totalMinor, currency: d.currency },
      tax: { amount: d.taxMinor, currency: d.currency },
      issuedAt: d.issuedAt.toISOString(),
    })),
  };
}
