import type { Db } from '../db.js';
import { cancelAndReleaseOrder } from './cancel-order.js';

/**
 * Cancel orders still waiting for payment after `olderThan`, compensating exactly as a
 * failed payment does. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
 * replicas may sweep at once without expiring an order twice. Returns how many expired.
 */
export async function expireUnpaidOrders(
  db: Db,
  options: { olderThan: Date; batchSize?: number },
): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM orders WHERE status = 'pending_payment' AND created_at < $1
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      options.olderThan,
      options.batchSize ?? 50,
    );
    let expired = 0;
    for (const { id } of due) {
      if (
        await cancelAndReleaseOrder(tx, id, {
          actor: 'system',
          reason: 'payment not received in time',
        })
      )
        expired++;
    }
    return expired;
  });
}
