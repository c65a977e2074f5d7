import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import { canTransition, type OrderStatus } from '../domain/order-status.js';

export type Actor = 'customer' | 'admin' | 'system';

/**
 * Move an order to `to` if the state machine allows it and nobody moved it meanwhile (the
 * update is conditional on the status read), and record the change in its timeline.
 * Returns false when the move is not allowed or lost a race.
 */
export async function changeStatus(
  tx: Prisma.TransactionClient,
  order: { id: string; status: string },
  to: OrderStatus,
  change: { actor: Actor; reason?: string },
): Promise<boolean> {
  const from = order.status as OrderStatus;
  if (!canTransition(from, to)) return false;
  const updated = await tx.order.updateMany({
    where: { id: order.id, status: from },
    data: {
      status: to,
      ...(to === 'cancelled' && change.reason ? { cancelReason: change.reason } : {}),
    },
  });
  if (updated.count === 0) return false;
  await tx.orderStatusChange.create({
    data: {
      id: randomUUID(),
      orderId: order.id,
      fromStatus: from,
      toStatus: to,
      actor: change.actor,
      reason: change.reason ?? null,
    },
  });
  return true;
}

/** The first entry of every timeline (returned, so the caller need not read it back). */
export async function recordCreation(tx: Prisma.TransactionClient, orderId: string) {
  return tx.orderStatusChange.create({
    data: {
      id: randomUUID(),
      orderId,
      fromStatus: null,
      toStatus: 'pending_payment',
      actor: 'customer',
    },
  });
}
