import {
  chargesAfterCancellation,
  findInconsistencies,
  listProviderCharges,
  queryDb,
} from '@switchyard/testing';
import { checkResult, type CheckResult, type RunData } from './check.js';

/**
 * Money and stock, across the order database, the payment database and the provider's own
 * ledger: at most one successful charge per order, no charge requested after the payment
 * service recorded its order's cancellation (and one requested before but made after it — a
 * request in doubt — refunded in full), refunds ≤ captured and equal on both sides, each order's
 * state agreeing with its payment, stock movements summing to stock.
 */
export async function checkMoneyAndStock(data: RunData): Promise<CheckResult> {
  const charges = await listProviderCharges(data.sandboxUrl);
  const problems = await findInconsistencies({
    orderDb: data.databases.order,
    paymentDb: data.databases.payment,
    providerCharges: charges,
  });
  const succeeded = new Map<string, number>();
  // Per order; a subscription's charges (no order id) are counted per period by billing's check.
  for (const c of charges)
    if (c.status === 'succeeded' && c.metadata.order_id)
      succeeded.set(c.metadata.order_id, (succeeded.get(c.metadata.order_id) ?? 0) + 1);
  const doubleCharged = [...succeeded.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  const doubleCharges = doubleCharged.length;
  // Also among the problems above (findInconsistencies); counted here as a figure.
  const chargedAfterCancellation = (
    await chargesAfterCancellation({ paymentDb: data.databases.payment, providerCharges: charges })
  ).length;
  const [oversold] = await queryDb<{ n: number }>(
    data.databases.order,
    'SELECT count(*)::int AS n FROM products WHERE stock < 0',
  );
  const [refunds] = await queryDb<{ ours: number }>(
    data.databases.payment,
    "SELECT coalesce(sum(amount_minor), 0)::int AS ours FROM payment_refunds WHERE status = 'succeeded'",
  );
  const providerRefunded = charges.reduce((sum, c) => sum + c.amount_refunded, 0);
  if (refunds!.ours !== providerRefunded)
    problems.push(`refunds: ${refunds!.ours} here, ${providerRefunded} at the provider`);
  return checkResult(
    'money and stock: no double charge, no charge requested after a cancellation, refunds agree, nothing oversold',
    {
      providerCharges: charges.length,
      succeededCharges: [...succeeded.values()].reduce((a, b) => a + b, 0),
      doubleCharges,
      chargedAfterCancellation,
      refundedMinorHere: refunds!.ours,
      refundedMinorAtProvider: providerRefunded,
      oversoldProducts: oversold!.n,
    },
    problems,
    { double_charged: doubleCharged },
  );
}
