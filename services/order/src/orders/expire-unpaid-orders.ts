import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import { cancelAndReleaseOrder } from './cancel-order.js';

/**
 * Cancel orders still waiting for payment after `olderThan` (also one whose payment waits for
 * its customer to authenticate: the provider's intent is then cancelled by the payment service), compensating exactly as a
 * failed payment does. Each order is expired in its own transaction, claimed with FOR UPDATE
 * SKIP LOCKED, so any number of replicas may sweep at once without expiring an order twice,
 * and one order that cannot be expired is logged and skipped (for a while, see
 * expiry_next_at) instead of failing the rest of the sweep. Returns how many expired.
 */
export async function expireUnpaidOrders(
  db: Db,
  options: { olderThan: Date; batchSize?: number; logger?: Logger },
): Promise<number> {
  const due = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text FROM orders
      WHERE status IN ('pending_payment', 'awaiting_payment_action') AND created_at < $1
        AND (expiry_next_at IS NULL OR expiry_next_at <= now())
      ORDER BY created_at LIMIT $2`,
    options.olderThan,
    options.batchSize ?? 50,
  );
  let expired = 0;
  for (const { id } of due) {
    try {
      if (await expireOne(db, id)) expired++;
    } catch (error) {
      options.logger?.error(
        { orderId: id, err: error },
        'could not expire an order; retrying later',
      );
      await db.$executeRawUnsafe(
        `UPDATE orders SET expiry_failures = expiry_failures + 1,
                expiry_next_at = now() + make_interval(secs => least(3600, 5 * power(2, expiry_failures)))
          WHERE id = $1::uuid`,
        id,
      );
    }
  }
  return expired;
}

async function expireOne(db: Db, orderId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [claimed] = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM orders
        WHERE id = $1::uuid AND status IN ('pending_payment', 'awaiting_payment_action')
       FOR UPDATE SKIP LOCKED`,
      orderId,
    );
    if (!claimed) return false; // paid, cancelled, or another replica has it right now
    return cancelAndReleaseOrder(tx, orderId, {
      actor: 'system',
      reason: 'payment not received in time',
    });
  });
}
