/**
 * One order as its view needs it, in one round trip: the order row with its lines and its
 * timeline aggregated as JSON. The hot read (`GET /v1/orders/:id`) uses this instead of an ORM
 * query with includes, which costs three round trips and the ORM's own work per request
 * (docs/benchmarks.md, read path). `$2` restricts it to one user's orders (NULL: anyone's).
 * The benchmark's ceiling server issues exactly this SQL.
 */
export const ORDER_VIEW_SQL = `
SELECT o.id, o.status, o.total_minor, o.currency, o.payment_method, o.refunded_minor,
       o.cancel_reason, o.created_at, o.updated_at,
       COALESCE((SELECT json_agg(json_build_object(
                   'productId', l.product_id, 'name', l.name, 'quantity', l.quantity,
                   'unitPriceMinor', l.unit_price_minor))
                   FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines,
       COALESCE((SELECT json_agg(json_build_object(
                   'toStatus', t.to_status, 'createdAt', t.created_at, 'actor', t.actor,
                   'reason', t.reason) ORDER BY t.created_at)
                   FROM order_status_changes t WHERE t.order_id = o.id), '[]') AS timeline
  FROM orders o
 WHERE o.id = $1::uuid AND ($2::uuid IS NULL OR o.user_id = $2::uuid)`;

/** A row of ORDER_VIEW_SQL as node-postgres returns it. */
export interface OrderViewRow {
  id: string;
  status: string;
  total_minor: number;
  currency: string;
  payment_method: string;
  refunded_minor: number;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
  lines: { productId: string; name: string; quantity: number; unitPriceMinor: number }[];
  /** JSON from the SQL (createdAt a string), or rows loaded through Prisma (a Date). */
  timeline: { toStatus: string; createdAt: string | Date; actor: string; reason: string | null }[];
}
