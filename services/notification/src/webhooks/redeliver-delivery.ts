import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import {
  recordNotificationEvent,
  webhookDeliveryTarget,
} from '../audit/record-notification-event.js';
import type { Db } from '../db.js';

/**
 * Send a failed delivery again, from attempt one: it becomes pending now (the caller nudges the
 * dispatcher), recorded in the trail (`webhook_delivery.redelivered`) in the same transaction.
 * `owner` limits it to that owner's endpoints (anyone else's is "not found"); without it, any
 * delivery (an admin's). Returns false when there is no such delivery; a delivery that is not
 * failed is a 409.
 */
export async function redeliverDelivery(
  db: Db,
  options: {
    deliveryId: string;
    owner?: { ownerKind: 'user' | 'client'; ownerId: string };
    by: AuditContext;
  },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.findFirst({
      where: { id: options.deliveryId, ...(options.owner ? { endpoint: options.owner } : {}) },
    });
    if (!delivery) return false;
    const reset = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'failed' },
      data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
    });
    if (reset.count === 0)
      throw new AppError(
        'CONFLICT',
        `only a failed delivery is redelivered; this one is ${delivery.status}`,
      );
    await recordNotificationEvent(tx, options.by, {
      action: 'webhook_delivery.redelivered',
      target: webhookDeliveryTarget(delivery.id),
      changes: {
        status: { before: 'failed', after: 'pending' },
        attempts: { before: delivery.attempts, after: 0 },
      },
      details: {
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
      },
    });
    return true;
  });
}
