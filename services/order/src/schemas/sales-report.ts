import { Type, type Static } from '@sinclair/typebox';
import { ORDER_STATUSES } from '../domain/order-status.js';

const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/**
 * Money as everywhere (integer minor units + ISO 4217), but a sum over up to 31 days may pass
 * what one order's integer column holds, so the bound is JavaScript's exact-integer limit.
 */
const Total = Type.Object(
  { amount: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), currency: Currency },
  { additionalProperties: false },
);

export const SalesReportQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Start of the window (inclusive)' }),
    to: Type.String({
      format: 'date-time',
      description: 'End of the window (exclusive); at most 31 days after `from`',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }],
  },
);
export type SalesReportQuery = Static<typeof SalesReportQuery>;

export const TopProduct = Type.Object({
  productId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  quantity: Type.Integer({ minimum: 0 }),
  revenue: Total,
});

export const CurrencySales = Type.Object({
  currency: Currency,
  /** Orders whose payment was recorded in the window. */
  paidOrders: Type.Integer({ minimum: 0 }),
  /** Their totals. */
  revenue: Total,
  /** Refunds recorded in the window (late payments of cancelled orders, returned, excluded). */
  refunds: Type.Object({ count: Type.Integer({ minimum: 0 }), amount: Total }),
  /** The products most sold in those paid orders, by units, at most ten. */
  topProducts: Type.Array(TopProduct),
});

export const SalesReport = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  currencies: Type.Array(CurrencySales),
  /** Orders placed in the window, by the status they have now (every status, zeros included). */
  ordersByStatus: Type.Object(
    Object.fromEntries(ORDER_STATUSES.map((s) => [s, Type.Integer({ minimum: 0 })])),
  ),
});
export type SalesReport = Static<typeof SalesReport>;
