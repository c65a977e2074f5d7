import { queryDb } from './test-database.js';

interface OrderRow {
  id: string;
  status: string;
  total_minor: number;
  refunded_minor: number;
}
interface PaymentRow {
  id: string;
  order_id: string;
  status: string;
  amount_minor: number;
  amount_refunded_minor: number;
  refunds_total: number;
  provider_charge_id: string | null;
}
export interface ProviderCharge {
  id: string;
  /** The PaymentIntent that made it: what a payment records as its provider charge id. */
  payment_intent?: string | null;
  status: string;
  amount: number;
  amount_refunded: number;
  metadata: Record<string, string>;
  /** Unix seconds (Stripe's field). */
  created: number;
  /** The sandbox's creation time in milliseconds (its extension of Stripe's shape). */
  created_ms?: number;
  /**
   * When the request that made the charge arrived at the sandbox, in milliseconds (its
   * extension): before any delay it added, so a request in doubt has it well before created_ms.
   */
  requested_ms?: number;
}

/**
 * The invariants every order must satisfy once the platform is quiet, checked across the
 * order database, the payment database and the provider's own ledger. Returns one line per
 * violation (empty when consistent).
 */
export async function findInconsistencies(options: {
  orderDb: string;
  paymentDb: string;
  providerCharges: ProviderCharge[];
}): Promise<string[]> {
  const problems: string[] = [];
  const report = (line: string) => problems.push(line);

  // Stock: every product's movements sum to its stock, and never below zero.
  const stockDrift = await queryDb<{ id: string; stock: number; moved: number }>(
    options.orderDb,
    `SELECT p.id, p.stock, coalesce(sum(m.delta), 0)::int AS moved
       FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
      GROUP BY p.id HAVING p.stock <> coalesce(sum(m.delta), 0) OR p.stock < 0`,
  );
  for (const p of stockDrift)
    report(`product ${p.id}: stock ${p.stock}, movements sum to ${p.moved}`);

  // Stock per order: each line reserved once; released (in full) exactly when cancelled.
  const orderStock = await queryDb<{
    order_id: string;
    status: string;
    reserved: number;
    released: number;
    ordered: number;
  }>(
    options.orderDb,
    `SELECT o.id AS order_id, o.status,
            coalesce((SELECT -sum(delta) FROM stock_movements WHERE order_id = o.id AND reason = 'reserved'), 0)::int AS reserved,
            coalesce((SELECT sum(delta) FROM stock_movements WHERE order_id = o.id AND reason = 'released'), 0)::int AS released,
            (SELECT sum(quantity) FROM order_lines WHERE order_id = o.id)::int AS ordered
       FROM orders o`,
  );
  for (const o of orderStock) {
    if (o.reserved !== o.ordered)
      report(`order ${o.order_id}: reserved ${o.reserved} of ${o.ordered} units`);
    const expectedRelease = o.status === 'cancelled' ? o.ordered : 0;
    if (o.released !== expectedRelease)
      report(
        `order ${o.order_id} (${o.status}): released ${o.released}, expected ${expectedRelease}`,
      );
  }

  // At most one successful charge per order, at the provider itself. A subscription's charges
  // carry no order id (billing-consistency.ts counts them per period).
  const succeededPerOrder = new Map<string, number>();
  for (const c of options.providerCharges)
    if (c.status === 'succeeded' && c.metadata.order_id)
      succeededPerOrder.set(
        c.metadata.order_id,
        (succeededPerOrder.get(c.metadata.order_id) ?? 0) + 1,
      );
  for (const [orderId, n] of succeededPerOrder)
    if (n > 1) report(`order ${orderId}: ${n} successful charges at the provider`);

  // No charge requested after the payment service recorded the order's cancellation — not even
  // one refunded later: the customer was told the order is cancelled. A charge requested before
  // it (a request in doubt) but made after it must have been given back in full.
  for (const line of await chargesAfterCancellation(options)) report(line);

  // Refunds never exceed what was captured, here and at the provider; both agree.
  const payments = await queryDb<PaymentRow>(
    options.paymentDb,
    `SELECT p.id, p.order_id, p.status, p.amount_minor, p.amount_refunded_minor, p.provider_charge_id,
            coalesce((SELECT sum(amount_minor) FROM payment_refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded'), 0)::int AS refunds_total
       FROM payments p`,
  );
  // A payment records its PaymentIntent; an intent's successful charge is the one that counts.
  const chargeById = new Map<string, ProviderCharge>();
  for (const c of options.providerCharges) {
    const key = c.payment_intent ?? c.id;
    if (!chargeById.has(key) || c.status === 'succeeded') chargeById.set(key, c);
  }
  for (const p of payments) {
    if (p.amount_refunded_minor > p.amount_minor)
      report(`payment ${p.id}: refunded ${p.amount_refunded_minor} of ${p.amount_minor}`);
    if (p.refunds_total !== p.amount_refunded_minor)
      report(
        `payment ${p.id}: refunds sum to ${p.refunds_total}, payment says ${p.amount_refunded_minor}`,
      );
    const charge = p.provider_charge_id ? chargeById.get(p.provider_charge_id) : undefined;
    if (charge && charge.amount_refunded !== p.amount_refunded_minor)
      report(
        `payment ${p.id}: provider refunded ${charge.amount_refunded}, we say ${p.amount_refunded_minor}`,
      );
    if (charge && charge.status === 'succeeded' && p.status !== 'succeeded')
      report(`payment ${p.id}: provider charged it, we say ${p.status}`);
  }

  // The order's state agrees with its payment.
  const orders = await queryDb<OrderRow>(
    options.orderDb,
    'SELECT id, status, total_minor, refunded_minor FROM orders',
  );
  const paymentOf = new Map(payments.map((p) => [p.order_id, p]));
  for (const o of orders) {
    const p = paymentOf.get(o.id);
    const captured = p?.status === 'succeeded' ? p.amount_minor : 0;
    const refunded = p?.amount_refunded_minor ?? 0;
    if (o.refunded_minor !== refunded)
      report(`order ${o.id}: says ${o.refunded_minor} refunded, payment ${refunded}`);
    const agrees: Record<string, boolean> = {
      pending_payment: !p || p.status === 'pending' || p.status === 'requires_action',
      // The payment.action_required event moved it on; its payment waits for the customer.
      awaiting_payment_action: p?.status === 'requires_action',
      paid: captured > 0 && refunded === 0,
      fulfilled: captured > 0 && refunded === 0,
      partially_refunded: captured > 0 && refunded > 0 && refunded < captured,
      refunded: captured > 0 && refunded === captured,
      // Cancelled: no money kept — never charged, failed, or everything given back.
      cancelled: !p || p.status !== 'succeeded' || refunded === captured,
    };
    if (!agrees[o.status])
      report(
        `order ${o.id} is ${o.status} but its payment is ${p?.status ?? 'missing'} (captured ${captured}, refunded ${refunded})`,
      );
  }
  return problems;
}

/**
 * The payment service's promise about cancelled orders, checked against the provider's ledger
 * and order_cancellations.cancelled_at, one line per breach:
 *
 * - No charge is requested after the order's cancellation was recorded. Every charge request
 *   holds the order's charge lock from its cancellation check until its answer is recorded,
 *   and the cancellation takes that lock before it stamps cancelled_at, so every request that
 *   reached the provider arrived before that stamp. Compared in milliseconds with the
 *   sandbox's `requested_ms` (when the request arrived; `created_ms`, then whole seconds, for a
 *   ledger without it — stricter, as a charge is made after its request).
 * - A request in doubt — it timed out or was abandoned at shutdown, so its answer was never
 *   recorded and the lock let go — can still become a charge after the cancellation. That is
 *   allowed, but only refunded in full: a charge made (`created_ms`) after the cancellation
 *   must be failed, or refunded to the last cent.
 *
 * Both clocks are the same machine's here (the tests, the chaos run): a request's arrival comes
 * after its sending, so only a request stalled in transit could make a kept promise look broken.
 */
export async function chargesAfterCancellation(options: {
  paymentDb: string;
  providerCharges: ProviderCharge[];
}): Promise<string[]> {
  const cancellations = await queryDb<{ order_id: string; cancelled_at: Date }>(
    options.paymentDb,
    'SELECT order_id, cancelled_at FROM order_cancellations',
  );
  const cancelledAt = new Map(cancellations.map((c) => [c.order_id, c.cancelled_at]));
  const problems: string[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  for (const charge of options.providerCharges) {
    const cancelled = cancelledAt.get(charge.metadata.order_id ?? '');
    if (!cancelled) continue;
    const createdMs = charge.created_ms ?? charge.created * 1000;
    const requestedMs = charge.requested_ms ?? createdMs;
    const about = `order ${charge.metadata.order_id}: charge ${charge.id} (${charge.status})`;
    if (requestedMs > cancelled.getTime())
      problems.push(
        `${about} requested at ${at(requestedMs)}, after its cancellation was recorded at ` +
          cancelled.toISOString(),
      );
    else if (
      createdMs > cancelled.getTime() &&
      charge.status === 'succeeded' &&
      charge.amount_refunded < charge.amount
    )
      problems.push(
        `${about} made at ${at(createdMs)} after its cancellation was recorded at ` +
          `${cancelled.toISOString()} (requested before it, in doubt) and refunded only ` +
          `${charge.amount_refunded} of ${charge.amount}`,
      );
  }
  return problems;
}

/** Every charge in the payment provider's ledger (the sandbox's list API, page by page). */
export async function listProviderCharges(
  sandboxUrl: string,
  apiKey = 'sk_test_switchyard_sandbox',
): Promise<ProviderCharge[]> {
  const charges: ProviderCharge[] = [];
  let after = '';
  for (;;) {
    const res = await fetch(
      `${sandboxUrl}/v1/charges?limit=100${after ? `&starting_after=${after}` : ''}`,
      { headers: { authorization: `Bearer ${apiKey}` } },
    );
    if (!res.ok) throw new Error(`the provider's ledger answered ${res.status}`);
    const page = (await res.json()) as { data: ProviderCharge[]; has_more: boolean };
    charges.push(...page.data);
    if (!page.has_more || !page.data.length) return charges;
    after = page.data.at(-1)!.id;
  }
}
