import type { Db } from '../db.js';
import type { LowStockView } from '../schemas/low-stock.js';

const VIEW_SQL = `
  SELECT p.id::text AS "productId", p.stock, p.low_stock_threshold AS threshold,
         COALESCE(p.low_stock_threshold, s.default_threshold, $2::int) AS "effectiveThreshold",
         p.low_stock_alerted AS alerted
    FROM products p LEFT JOIN low_stock_settings s ON s.id
   WHERE p.id = $1::uuid`;

/** A product's low-stock settings and state; null for no such product. */
export async function findLowStock(
  db: Db,
  productId: string,
  defaultThreshold: number,
): Promise<LowStockView | null> {
  const { rows } = await db.pool.query<LowStockView>(VIEW_SQL, [productId, defaultThreshold]);
  return rows[0] ?? null;
}

/**
 * Set a product's threshold (null: the default). The trigger re-decides at once: a product
 * already under its new threshold alerts now, one back above it is armed again.
 */
export async function setLowStockThreshold(
  db: Db,
  productId: string,
  threshold: number | null,
  defaultThreshold: number,
): Promise<LowStockView | null> {
  const updated = await db.$executeRaw`
    UPDATE products SET low_stock_threshold = ${threshold}, updated_at = now()
     WHERE id = ${productId}::uuid`;
  return updated === 0 ? null : findLowStock(db, productId, defaultThreshold);
}
