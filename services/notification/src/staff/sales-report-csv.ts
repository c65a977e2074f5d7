import type { EventPayload } from '@switchyard/contracts';
import { stringify } from 'csv-stringify/sync';

type SalesReport = EventPayload<'report.sales_daily'>;

/**
 * A spreadsheet opens a cell that starts with one of these as a formula: a product named
 * "=HYPERLINK(…)" must stay text (OWASP, CSV injection), so it gets a leading apostrophe.
 */
const neutralise = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * The daily report as CSV, one fact per row so it sorts and filters as is: per currency the
 * paid orders, revenue, refunds and each top product, then the orders placed by status.
 * Amounts are integer minor units, as everywhere.
 */
export function salesReportCsv(report: SalesReport): string {
  const rows: (string | number)[][] = [];
  const row = (
    currency: string,
    metric: string,
    count: number | '',
    amountMinor: number | '',
    product: { productId: string; name: string } | null = null,
  ) =>
    rows.push([
      report.reportDate,
      report.timeZone,
      currency,
      metric,
      product?.productId ?? '',
      product ? neutralise(product.name) : '',
      count,
      amountMinor,
    ]);
  for (const c of report.currencies) {
    row(c.currency, 'paid_orders', c.paidOrders, '');
    row(c.currency, 'revenue', '', c.revenue.amount);
    row(c.currency, 'refunds', c.refunds.count, c.refunds.amount.amount);
    for (const p of c.topProducts) row(c.currency, 'top_product', p.quantity, p.revenue.amount, p);
  }
  for (const [status, count] of Object.entries(report.ordersByStatus))
    row('', `orders_${status}`, count, '');
  return stringify(rows, {
    header: true,
    columns: [
      'report_date',
      'time_zone',
      'currency',
      'metric',
      'product_id',
      'product_name',
      'count',
      'amount_minor',
    ],
  });
}
