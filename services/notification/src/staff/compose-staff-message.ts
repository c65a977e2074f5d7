import type { EventPayload } from '@switchyard/contracts';
import { formatMoney } from '../domain/message.js';

/** A message to staff: title (the email's subject), the in-app body, the email's text. */
export interface StaffMessage {
  title: string;
  body: string;
  text: string;
}

export function salesReportMessage(report: EventPayload<'report.sales_daily'>): StaffMessage {
  const lines = report.currencies.map(
    (c) =>
      `${c.currency}: ${c.paidOrders} paid orders, revenue ${formatMoney(c.revenue)}, ` +
      `${c.refunds.count} refunds (${formatMoney(c.refunds.amount)})`,
  );
  const top = report.currencies.flatMap((c) =>
    c.topProducts
      .slice(0, 3)
      .map((p) => `  ${c.currency} ${p.name}: ${p.quantity} sold, ${formatMoney(p.revenue)}`),
  );
  const placed = Object.entries(report.ordersByStatus)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const title = `Sales report for ${report.reportDate}`;
  const body = lines.length > 0 ? lines.join('; ') : 'No sales and no refunds.';
  const text = [
    `Sales of ${report.reportDate} (${report.timeZone}), ${report.from} to ${report.to}.`,
    '',
    ...(lines.length > 0 ? lines : ['No sales and no refunds.']),
    ...(top.length > 0 ? ['', 'Top products:', ...top] : []),
    '',
    `Orders placed that day, by status now: ${placed || 'none'}.`,
    '',
    'The attached CSV has every figure (amounts in minor units).',
  ].join('\n');
  return { title, body, text };
}

export function lowStockMessage(alert: EventPayload<'product.low_stock'>): StaffMessage {
  const title = `Low stock: ${alert.name} (${alert.sku})`;
  const body = `${alert.name} (${alert.sku}) is down to ${alert.stock} in stock, under its threshold of ${alert.threshold}.`;
  return {
    title,
    body,
    text: `${body}\n\nYou are told once each time it falls under the threshold; restocking it to ${alert.threshold} or more arms the alert again.`,
  };
}
