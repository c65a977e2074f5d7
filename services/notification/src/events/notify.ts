import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@switchyard/contracts';
import type { EventHandler, EventHandlers, SqlClient } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import {
  composeMessage,
  notifiableEvents,
  type NotifiableEvent,
} from '../domain/compose-message.js';

type Tx = Prisma.TransactionClient;

/**
 * Store the in-app notification and queue its email in the inbox transaction; the email
 * dispatcher sends it after commit. A redelivered event changes nothing.
 */
async function notify(event: EventEnvelope<NotifiableEvent>, sql: SqlClient): Promise<void> {
  const tx = sql as unknown as Tx;
  if (event.name === 'user.registered') {
    const d = (event as EventEnvelope<'user.registered'>).data;
    await tx.recipient.upsert({
      where: { userId: d.userId },
      create: { userId: d.userId, email: d.email, name: d.name },
      update: { email: d.email, name: d.name },
    });
  }
  const userId = event.data.userId;
  const message = composeMessage(event.name, event.data as never);
  const notificationId = randomUUID();
  await tx.notification.create({
    data: {
      id: notificationId,
      userId,
      sourceEventId: event.id,
      category: message.category,
      title: message.title,
      body: message.body,
    },
  });
  await tx.emailDelivery.create({
    data: {
      id: randomUUID(),
      notificationId,
      userId,
      subject: message.title,
      // The email may say more than the inbox shows (a reset token never reaches the inbox).
      textBody: message.emailText ?? message.body,
    },
  });
}

export const notificationHandlers: EventHandlers = Object.fromEntries(
  notifiableEvents.map((name) => [
    name,
    { handle: notify } satisfies EventHandler<NotifiableEvent>,
  ]),
);
