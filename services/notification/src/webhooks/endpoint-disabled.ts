import { randomUUID } from 'node:crypto';
import type { Prisma, WebhookEndpoint } from '../generated/prisma/client.js';

/**
 * Tell a user their endpoint was disabled: in the inbox and by email, once per disabling — in
 * the transaction that disables it, so no endpoint is disabled without its owner being told. A
 * machine client has no inbox; its endpoint's status and deliveries show it.
 */
export async function notifyEndpointDisabled(
  tx: Prisma.TransactionClient,
  endpoint: WebhookEndpoint,
): Promise<boolean> {
  if (endpoint.ownerKind !== 'user') return false;
  const title = 'A webhook endpoint was disabled';
  const body =
    `Deliveries to ${endpoint.url} kept failing since ${endpoint.failingSince?.toISOString()}, ` +
    'so the endpoint was disabled. Fix it, enable it again, and redeliver what failed.';
  const notificationId = randomUUID();
  await tx.notification.create({
    data: {
      id: notificationId,
      userId: endpoint.ownerId,
      sourceEventId: `webhook-endpoint-disabled:${endpoint.id}:${endpoint.updatedAt.toISOString()}`,
      eventType: 'webhook.endpoint_disabled',
      category: 'account',
      title,
      body,
    },
  });
  await tx.emailDelivery.create({
    data: {
      id: randomUUID(),
      notificationId,
      userId: endpoint.ownerId,
      subject: title,
      textBody: body,
    },
  });
  return true;
}
