import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createEvent } from '@switchyard/contracts';
import { inPgTransaction } from '@switchyard/db';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { inProductLockOrder } from '../catalog/lock-order.js';
import { OrderStatus } from '../domain/order-status.js';
import { priceOrder, type CatalogProduct, type RequestedLine } from '../domain/price-order.js';
import type { OrderView } from '../schemas/order.js';
import { orderViewOfRow } from './order-view.js';
import { sqlClientOf } from './sql-client.js';

export interface PlaceOrderInput {
  userId: string;
  lines: RequestedLine[];
  paymentMethod: string;
}

/**
 * Price the order from the catalog, store the order and its order.created event, and reserve
 * stock, in one transaction. Stock is taken with a conditional UPDATE, so concurrent orders
 * can never drive it negative.
 *
 * Plain SQL through the service's pool rather than the ORM: placement is the write every
 * checkout pays for, and the ORM's work per statement was most of the service's CPU
 * (docs/benchmarks.md, checkout). The tables are the ones schema.prisma describes.
 */
export async function placeOrder(
  db: Db,
  input: PlaceOrderInput,
  /** More work for the same transaction (e.g. storing the idempotent response). */
  alsoInTransaction?: (tx: pg.PoolClient, order: OrderView) => Promise<void>,
): Promise<OrderView> {
  return inPgTransaction(db.pool, async (tx) => {
    const productIds = [...new Set(input.lines.map((l) => l.productId))];
    const { rows: products } = await tx.query<CatalogProduct>(
      `SELECT id::text, name, price_minor AS "priceMinor", currency, active
         FROM products WHERE id = ANY($1::uuid[])`,
      [productIds],
    );
    const priced = priceOrder(input.lines, new Map(products.map((p) => [p.id, p])));

    const orderId = randomUUID();
    const {
      rows: [order],
    } = await tx.query<{ created_at: Date; updated_at: Date }>(
      // Stamped to the millisecond, the precision of the order list's keyset cursor (a
      // JavaScript Date): a finer time falls between one page's cursor and the next page.
      `INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method,
                           created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6,
               date_trunc('milliseconds', now()), date_trunc('milliseconds', now()))
       RETURNING created_at, updated_at`,
      [
        orderId,
        input.userId,
        OrderStatus.pendingPayment,
        priced.totalMinor,
        priced.currency,
        input.paymentMethod,
      ],
    );
    await tx.query(
      `INSERT INTO order_lines (id, order_id, product_id, name, quantity, unit_price_minor)
       SELECT gen_random_uuid(), $1, l.product_id, l.name, l.quantity, l.unit_price_minor
         FROM unnest($2::uuid[], $3::text[], $4::int[], $5::int[])
              AS l(product_id, name, quantity, unit_price_minor)`,
      [
        orderId,
        priced.lines.map((l) => l.productId),
        priced.lines.map((l) => l.name),
        priced.lines.map((l) => l.quantity),
        priced.lines.map((l) => l.unitPriceMinor),
      ],
    );
    const {
      rows: [created],
    } = await tx.query<{ created_at: Date }>(
      `INSERT INTO order_status_changes (id, order_id, from_status, to_status, actor)
       VALUES ($1, $2, NULL, $3, 'customer') RETURNING created_at`,
      [randomUUID(), orderId, OrderStatus.pendingPayment],
    );
    await tx.query(
      `INSERT INTO stock_movements (id, product_id, order_id, delta, reason)
       SELECT gen_random_uuid(), m.product_id, $1, -m.quantity, 'reserved'
         FROM unnest($2::uuid[], $3::int[]) AS m(product_id, quantity)`,
      [orderId, priced.lines.map((l) => l.productId), priced.lines.map((l) => l.quantity)],
    );
    await enqueueEvent(
      sqlClientOf(tx),
      createEvent('order.created', {
        source: 'order',
        subject: orderId,
        data: {
          orderId,
          userId: input.userId,
          total: { amount: priced.totalMinor, currency: priced.currency },
          paymentMethod: input.paymentMethod,
          lines: priced.lines.map((l) => ({
            productId: l.productId,
            name: l.name,
            quantity: l.quantity,
            unitPrice: { amount: l.unitPriceMinor, currency: priced.currency },
          })),
        },
      }),
    );
    const view = orderViewOfRow({
      id: orderId,
      status: OrderStatus.pendingPayment,
      total_minor: priced.totalMinor,
      currency: priced.currency,
      payment_method: input.paymentMethod,
      refunded_minor: 0,
      cancel_reason: null,
      created_at: order!.created_at,
      updated_at: order!.updated_at,
      lines: priced.lines,
      timeline: [
        {
          toStatus: OrderStatus.pendingPayment,
          createdAt: created!.created_at,
          actor: 'customer',
          reason: null,
        },
      ],
    });
    await alsoInTransaction?.(tx, view);

    // The stock last: every order takes the same few product rows, and a row's lock is held
    // until commit. Taken first, it serialised all checkouts for the whole transaction; taken
    // here, for one statement and the commit (docs/benchmarks.md, checkout). Too little stock
    // still rolls everything above back.
    for (const line of inProductLockOrder(priced.lines)) {
      const reserved = await tx.query(
        `UPDATE products SET stock = stock - $2, updated_at = now()
          WHERE id = $1 AND stock >= $2`,
        [line.productId, line.quantity],
      );
      if (reserved.rowCount === 0) {
        throw new AppError(
          'CONFLICT',
          `not enough stock of ${line.name} for ${line.quantity} units`,
        );
      }
    }
    return view;
  });
}
