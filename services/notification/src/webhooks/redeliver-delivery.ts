import { AppError, notFound } from '@switchyard/service-kit';
import type { Db } from '../db.js';

/**
 * Send a failed delivery again from attempt one: it is pending again, due now, its attempt
 * log kept. `owner` limits it to that owner's endpoints (anyone else's is 404); an admin
 * passes none. Only a failed delivery is reset (409 otherwise), in one conditional update, so
 * two redeliveries at once reset it once. The caller wakes the dispatcher.
 */
export async function redeliverDelivery(options: {
  db: Db;
  deliveryId: string;
  owner?: { ownerKind: 'user' | 'client'; ownerId: string };
}) {
  const { db, deliveryId, owner } = options;
  const delivery = await db.webhookDelivery.findFirst({
    where: { id: deliveryId, ...(owner ? { endpoint: owner } : {}) },
  });
  if (!delivery) throw notFound('webhook delivery');
  const reset = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: 'failed' },
    data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  if (reset.count === 0)
    throw new AppError(
      'CONFLICT',
      `only a failed delivery is redelivered; this one is ${delivery.status}`,
    );
  return db.webhookDelivery.findUniqueOrThrow({
    where: { id: delivery.id },
    include: { attemptLog: true },
  });
}
