import type pg from 'pg';
import { ORDER_STATUSES, OrderStatus } from '../domain/order-status.js';
import type { SalesReport } from '../schemas/sales-report.js';

/** How many products each currency's summary names. */
export const TOP_PRODUCTS = 10;

export interface SalesWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

type Queryable = Pick<pg.Pool, 'query'>;

// An order counts as sold when its payment was recorded: its timeline's "paid" entry (one per
// order; the partial index order_status_changes_paid_at_idx holds exactly those).
const PAID_IN_WINDOW = `
  SELECT c.order_id FROM order_status_changes c
   WHERE c.to_status = '${OrderStatus.paid}' AND c.created_at >= $1 AND c.created_at < $2`;

const SALES_SQL = `
  SELECT o.currency, count(*)::int AS "paidOrders", sum(o.total_minor)::text AS revenue
    FROM (${PAID_IN_WINDOW}) paid JOIN orders o ON o.id = paid.order_id
   GROUP BY o.currency`;

// A cancelled order's refund gives back a payment that came too late to sell anything: it was
// never revenue, so it is no sales refund either.
const REFUNDS_SQL = `
  SELECT r.currency, count(*)::int AS count, sum(r.amount_minor)::text AS amount
    FROM order_refunds r JOIN orders o ON o.id = r.order_id
   WHERE r.refunded_at >= $1 AND r.refunded_at < $2 AND o.status <> '${OrderStatus.cancelled}'
   GROUP BY r.currency`;

// Units first; revenue and then the id break ties, so the list is the same on every call.
const TOP_PRODUCTS_SQL = `
  WITH sold AS (
    SELECT o.currency, l.product_id, sum(l.quantity)::bigint AS quantity,
           sum(l.quantity::bigint * l.unit_price_minor) AS revenue
      FROM (${PAID_IN_WINDOW}) paid
      JOIN orders o ON o.id = paid.order_id
      JOIN order_lines l ON l.order_id = o.id
     GROUP BY o.currency, l.product_id),
  ranked AS (
    SELECT sold.*, row_number() OVER (
             PARTITION BY currency ORDER BY quantity DESC, revenue DESC, product_id) AS rank
      FROM sold)
  SELECT r.currency, r.product_id::text AS "productId", p.name, r.quantity::text AS quantity,
         r.revenue::text AS revenue
    FROM ranked r JOIN products p ON p.id = r.product_id
   WHERE r.rank <= $3
   ORDER BY r.currency, r.rank`;

// One indexed count per status (orders_status_created_at_idx) rather than a scan of the window.
const ORDERS_BY_STATUS_SQL = `
  SELECT s.status,
         (SELECT count(*) FROM orders o
           WHERE o.status = s.status AND o.created_at >= $1 AND o.created_at < $2)::int AS count
    FROM unnest($3::text[]) AS s(status)`;

/**
 * What was sold in a window, per currency — paid orders and their revenue, refunds, the top
 * products — and how many orders were placed in it, by their status now. Amounts are integer
 * minor units; a currency appears when it had a sale or a refund.
 */
export async function salesSummary(db: Queryable, window: SalesWindow): Promise<SalesReport> {
  const range = [window.from, window.to];
  const [sales, refunds, top, statuses] = await Promise.all([
    db.query<{ currency: string; paidOrders: number; revenue: string }>(SALES_SQL, range),
    db.query<{ currency: string; count: number; amount: string }>(REFUNDS_SQL, range),
    db.query<{
      currency: string;
      productId: string;
      name: string;
      quantity: string;
      revenue: string;
    }>(TOP_PRODUCTS_SQL, [...range, TOP_PRODUCTS]),
    db.query<{ status: string; count: number }>(ORDERS_BY_STATUS_SQL, [...range, ORDER_STATUSES]),
  ]);
  const currencies = [
    ...new Set([...sales.rows, ...refunds.rows].map((r) => r.currency.trim())),
  ].sort();
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    currencies: currencies.map((currency) => {
      const sale = sales.rows.find((r) => r.currency.trim() === currency);
      const refund = refunds.rows.find((r) => r.currency.trim() === currency);
      const money = (amount: string | undefined) => ({ amount: Number(amount ?? 0), currency });
      return {
        currency,
        paidOrders: sale?.paidOrders ?? 0,
        revenue: money(sale?.revenue),
        refunds: { count: refund?.count ?? 0, amount: money(refund?.amount) },
        topProducts: top.rows
          .filter((r) => r.currency.trim() === currency)
          .map((r) => ({
            productId: r.productId,
            name: r.name,
            quantity: Number(r.quantity),
            revenue: money(r.revenue),
          })),
      };
    }),
    ordersByStatus: Object.fromEntries(statuses.rows.map((r) => [r.status, r.count])),
  };
}
