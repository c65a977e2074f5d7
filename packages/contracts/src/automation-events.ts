import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/** A sum of amounts (a day's revenue): integer minor units, past one order's column bound. */
const Total = Type.Object(
  { amount: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), currency: Currency },
  { additionalProperties: false },
);

/**
 * A user's access as it stands after a change (roles granted or revoked, account disabled or
 * enabled), from auth: the notification service keeps who the admins are from it, to send
 * them the staff messages (the daily sales report, low-stock alerts).
 */
export const UserAccessChanged = Type.Object(
  { userId: Uuid, roles: Type.Array(Type.String()), disabled: Type.Boolean() },
  { additionalProperties: false },
);

/**
 * One day's sales, from the order service's daily report (once per day): what
 * GET /v1/admin/reports/sales answers for that day in the report's time zone. The notification
 * service emails it to the admins with a CSV.
 */
export const SalesReportGenerated = Type.Object(
  {
    /** The day reported, in `timeZone` (YYYY-MM-DD). */
    reportDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    timeZone: Type.String(),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    currencies: Type.Array(
      Type.Object(
        {
          currency: Currency,
          paidOrders: Type.Integer({ minimum: 0 }),
          revenue: Total,
          refunds: Type.Object(
            { count: Type.Integer({ minimum: 0 }), amount: Total },
            { additionalProperties: false },
          ),
          topProducts: Type.Array(
            Type.Object(
              {
                productId: Uuid,
                name: Type.String(),
                quantity: Type.Integer({ minimum: 0 }),
                revenue: Total,
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    ordersByStatus: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/**
 * A product's stock fell under its low-stock threshold (once per crossing: it is re-armed when
 * the stock is back at or above the threshold). For staff: the notification service tells the
 * admins.
 */
export const ProductLowStock = Type.Object(
  {
    alertId: Uuid,
    productId: Uuid,
    sku: Type.String(),
    name: Type.String(),
    stock: Type.Integer({ minimum: 0 }),
    threshold: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
