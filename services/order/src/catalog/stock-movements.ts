import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';

export type StockMovementReason = 'initial' | 'adjustment' | 'reserved' | 'released';

/** Record a change of a product's stock; call in the transaction that changes it. */
export async function recordStockMovement(
  tx: Prisma.TransactionClient,
  movement: { productId: string; delta: number; reason: StockMovementReason; orderId?: string },
): Promise<void> {
  if (movement.delta === 0) return;
  await tx.stockMovement.create({
    data: {
      id: randomUUID(),
      productId: movement.productId,
      orderId: movement.orderId ?? null,
      delta: movement.delta,
      reason: movement.reason,
    },
  });
}
