import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventName } from '@switchyard/contracts';
import type { Prisma } from '../generated/prisma/client.js';
import { isWebhookEvent, webhookPayload } from './webhook-events.js';

/**
 * Queue one delivery of `event` per subscribed, active endpoint — the user's own endpoints
 * (if their webhook preference allows the category) and integrators' (machine clients') — in
 * the consumer's transaction. The unique (endpoint, event) key makes a redelivered event add
 * nothing. Returns how many were queued.
 */
export async function enqueueWebhookDeliveries(
  tx: Prisma.TransactionClient,
  event: EventEnvelope<EventName>,
  options: { userId: string; userAllowsWebhooks: boolean },
): Promise<number> {
  if (!isWebhookEvent(event.name)) return 0;
  const endpoints = await tx.webhookEndpoint.findMany({
    where: {
      status: 'active',
      eventTypes: { has: event.name },
      OR: [
        ...(options.userAllowsWebhooks ? [{ ownerKind: 'user', ownerId: options.userId }] : []),
        { ownerKind: 'client' },
      ],
    },
    select: { id: true },
  });
  if (endpoints.length === 0) return 0;
  const payload = webhookPayload(event);
  const queued = await tx.webhookDelivery.createMany({
    data: endpoints.map((e) => ({
      id: randomUUID(),
      endpointId: e.id,
      eventId: event.id,
      eventType: event.name,
      payload,
    })),
    skipDuplicates: true,
  });
  return queued.count;
}
