import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import { inProductLockOrder } from '../catalog/lock-order.js';
import { recordStockMovement } from '../catalog/stock-movements.js';
import { recordCreation } from './change-status.js';
import { OrderStatus } from '../domain/order-status.js';
import { priceOrder, type RequestedLine } from '../domain/price-order.js';
import type { OrderView } from '../schemas/order.js';
import { toOrderView } from './order-view.js';

export interface PlaceOrderInput {
  userId: string;
  lines: RequestedLine[];
  paymentMethod: string;
}

/**
 * Price the order from the catalog, store the order and its order.created event, and reserve
 * stock, in one transaction. Stock is taken with a conditional UPDATE, so concurrent orders
 * can never drive it negative.
 */
export async function placeOrder(
  db: Db,
  input: PlaceOrderInput,
  /** More work for the same transaction (e.g. storing the idempotent response). */
  alsoInTransaction?: (tx: Prisma.TransactionClient, order: OrderView) => Promise<void>,
): Promise<OrderView> {
  return db.$transaction(async (tx) => {
    const productIds = [...new Set(input.lines.map((l) => l.productId))];
    const products = await tx.product.findMany({ where: { id: { in: productIds } } });
    const priced = priceOrder(input.lines, new Map(products.map((p) => [p.id, p])));

    const orderId = randomUUID();
    const order = await tx.order.create({
      data: {
        id: orderId,
        userId: input.userId,
        status: OrderStatus.pendingPayment,
        totalMinor: priced.totalMinor,
        currency: priced.currency,
        paymentMethod: input.paymentMethod,
        lines: {
          create: priced.lines.map((l) => ({
            id: randomUUID(),
            productId: l.productId,
            name: l.name,
            quantity: l.quantity,
            unitPriceMinor: l.unitPriceMinor,
          })),
        },
      },
      include: { lines: true },
    });
    const created = await recordCreation(tx, orderId);
    for (const line of priced.lines)
      await recordStockMovement(tx, {
        productId: line.productId,
        orderId,
        delta: -line.quantity,
        reason: 'reserved',
      });

    await enqueueEvent(
      tx,
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
    const view = toOrderView({ ...order, timeline: [created] });
    await alsoInTransaction?.(tx, view);

    // The stock last: every order takes the same few product rows, and a row's lock is held
    // until commit. Taken first, it serialised all checkouts for the whole transaction; taken
    // here, for one statement and the commit (docs/benchmarks.md, checkout). Too little stock
    // still rolls everything above back.
    for (const line of inProductLockOrder(priced.lines)) {
      const reserved = await tx.product.updateMany({
        where: { id: line.productId, stock: { gte: line.quantity } },
        data: { stock: { decrement: line.quantity } },
      });
      if (reserved.count === 0) {
        throw new AppError(
          'CONFLICT',
          `not enough stock of ${line.name} for ${line.quantity} units`,
        );
      }
    }
    return view;
  });
}
